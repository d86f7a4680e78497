"""Rep text never sits in a system message: a whole session through the OpenAI engine (the real
SDK over httpx2.MockTransport), every request inspected - each turn, the follow-up of a due
commitment, dated commitments, a regeneration after a guard failure, turns folded into the
running summary, and both forms of the summary request."""

import json

import httpx2

from service.coach import Coach, SessionState
from tests.coach.test_coach_openai import completion, engine_for, sse, stream_response

MARK = "Zqxmark"  # in every rep message and in the rep's words from earlier sessions
REPLY = "So that is where things stand. What would you like to look at first?"
TELLING = "You should call them today. Great job on the pipeline!"
SUMMARY = {"summary": "Closed value down 5%.", "help_asked": "",
           "commitments": [{"text": "Call the CFO", "due_date": "2025-03-07", "measure": "",
                            "kind": "action"}]}
DUE = [{"id": 5, "text": f"Send the Contoso pricing proposal {MARK}due",
        "due_date": "2025-03-05"}]
ANSWERS = [
    f"Done - Contoso named the signer {MARK}1 and we agreed the date.",
    f"Two deals I expected slid into next month {MARK}2, which hurt the closed value a lot.",
    f"I will book a meeting with the Fabrikam CFO by Friday {MARK}3 and keep the review.",
    f"The budget freeze at two accounts {MARK}4 was outside my control this time around.",
    f"Renewals ate my week {MARK}5 so I prospected much less than I planned to do.",
    f"Meeting economic buyers early {MARK}6 is the one thing I would change next month.",
    f"I will send the revised proposal by Wednesday {MARK}7 and call procurement too.",
]


class Model:
    """Answers every request; the first reply after the opening is a telling one (the guard
    rejects it, the coach regenerates); a summary gets JSON, or a 400 to json_schema."""

    def __init__(self, refuse_schema=False):
        self.requests, self.refuse_schema, self.replies = [], refuse_schema, 0

    def __call__(self, request):
        body = json.loads(request.content)
        self.requests.append(body)
        if not body.get("stream"):
            if self.refuse_schema and "response_format" in body:
                return httpx2.Response(400, json={"error": {"message": "not supported"}})
            return httpx2.Response(200, json=completion(json.dumps(SUMMARY)))
        self.replies += 1
        return stream_response(sse(TELLING if self.replies == 2 else REPLY))


def context_with_earlier_words(context):
    context["commitments"][0]["text"] = f"Call the three stalled accounts {MARK}old"
    context["pre_call"]["objectives"] = [f"confirm the decision process {MARK}pre"]
    return context


def system_texts(request):
    return [m["content"] for m in request["messages"] if m["role"] == "system"]


def user_texts(request):
    return [m["content"] for m in request["messages"] if m["role"] == "user"]


def test_no_system_message_of_any_request_holds_rep_text(context):
    model = Model()
    coach = Coach(engine_for(model), token_budget=1100, max_reply_tokens=100)
    state = SessionState(mode="weekly_review", stage="", context=context_with_earlier_words(
        context), due_commitments=[dict(c) for c in DUE])
    list(coach.open(state))
    for answer in ANSWERS:
        list(coach.respond(state, answer))
    coach.draft_summary(state)
    Coach(engine_for(Model(refuse_schema=True))).draft_summary(state)  # JSON-in-text fallback

    replies = [r for r in model.requests if r.get("stream")]
    assert len(replies) >= len(ANSWERS)  # every turn that reached the model was inspected
    for request in model.requests:
        assert not [t for t in system_texts(request) if MARK in t], request["messages"]
    # what the test looks for is really there, in user messages: the turns, the regeneration,
    # the folded summary, the rep's earlier words, the summary's facts
    regenerated = next(r for r in replies if "broke the coaching rules" in "".join(
        system_texts(r)))
    assert any(MARK in t for t in user_texts(regenerated))
    assert state.digest and MARK in state.digest
    folded = [r for r in replies if any(t.startswith("DATA BLOCK") and "Rep said" in t
                                        for t in user_texts(r))]
    assert folded and any(MARK in t for t in user_texts(folded[-1]) if t.startswith("DATA"))
    assert any(f"{MARK}old" in t for t in user_texts(replies[0]))
    assert any(f"{MARK}pre" in t for t in user_texts(replies[0]))
    summary = [r for r in model.requests if not r.get("stream")][-1]
    assert any(t.startswith("DATA -") and MARK in t for t in user_texts(summary))


def test_the_guidance_still_says_what_the_turn_must_do(context):
    """Leaving the rep's words out of the guidance keeps the instruction itself."""
    model = Model()
    coach = Coach(engine_for(model))
    state = SessionState(mode="weekly_review", stage="", context=context,
                         due_commitments=[dict(c) for c in DUE])
    list(coach.open(state))
    list(coach.respond(state, ANSWERS[0]))
    guidance = "\n".join(system_texts(model.requests[-1]))
    # the model hears how it went itself: it is told what to listen for, not what was read
    assert "how the due commitment the coach just asked about went" in guidance


def test_the_model_is_never_handed_an_offline_coach_line_to_copy(context):
    """The offline coach's own lines (and what it would say back) are not examples for a model:
    models repeat them word for word."""
    from service.coach.language import ENGLISH

    said = ENGLISH.phrasing
    lines = [said.coach.default_question, said.coach.offer_lead, said.coach.after_commitments,
             *said.coach.turn_back, *said.coach.turn_back_lead, *said.coach.close,
             *said.said_back.follow_up_leads.values(), "You'll book"]
    model = Model()
    coach = Coach(engine_for(model))
    state = SessionState(mode="weekly_review", stage="", context=context,
                         due_commitments=[dict(c) for c in DUE])
    list(coach.open(state))
    for answer in ANSWERS[:3]:  # a follow-up answered, then dated commitments
        list(coach.respond(state, answer))
    guidance = "\n".join(t for r in model.requests for t in system_texts(r))
    assert 'only the actions the rep firmly commits to' in guidance  # heard by the model
    assert [line for line in lines if line in guidance] == []  # ... without the ack itself
