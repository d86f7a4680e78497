"""What a manager and a rep read: the drafted summary, the coach saying back a follow-up, dates."""

import json
from datetime import date

import httpx2

from service.coach import Coach, GuidedEngine, SessionState, TurnResult, check
from service.coach.language.commitments import commitments_in
from tests.coach.test_coach_openai import AGAIN, Server, engine_for, sse

DUE = [{"id": 5, "text": "Send the Contoso pricing proposal", "due_date": "2025-03-05"}]
ANSWERS = [
    "I did it - Contoso named the signer and we agreed the 4th of December.",
    "Honestly it's disappointing. Two deals I expected to sign slid into next month.",
    "The internal factor was me: I did not qualify the Fabrikam deal well enough. "
    "Outside my control is the budget freeze at a couple of accounts.",
    "I spent less time prospecting because renewals ate my week, and the market is slower.",
    "The 20% that matters is meeting economic buyers early on my three biggest deals.",
    "Meeting economic buyers first, before any demo, is the one thing I will change.",
    "I will book a meeting with the Fabrikam CFO by Friday and keep the weekly pipeline review.",
    "It would help if my manager could join the Fabrikam CFO call.",
]


def last(gen):
    return [x for x in gen if isinstance(x, TurnResult)][-1]


def weekly(context):
    coach = Coach(GuidedEngine())
    state = SessionState(mode="weekly_review", stage="", context=context,
                         due_commitments=[dict(c) for c in DUE])
    replies = [last(coach.open(state))]
    replies += [last(coach.respond(state, a)) for a in ANSWERS]
    return coach, state, replies


def test_the_coach_says_back_the_follow_up_answer_before_the_figures(context):
    _, _, replies = weekly(context)
    after = replies[1].text
    assert after.startswith("Done, then: Contoso named the signer.")
    assert "EUR 42,000" in after and after.count("?") == 1 and len(after.split()) <= 32
    assert all(check(r.text, closing=r.intent == "wrap").ok for r in replies)


def test_the_summary_reads_like_a_coach_wrote_it(context):
    coach, state, _ = weekly(context)
    draft = coach.draft_summary(state)
    text = draft.summary
    assert "closed value EUR 42,000, down 5% on the previous period" in text
    assert "send the Contoso pricing proposal is done (Contoso named the signer)" in text
    assert "internal, they did not qualify the Fabrikam deal well enough" in text
    assert "external, the budget freeze at a couple of accounts" in text
    assert "book a meeting with the Fabrikam CFO by 7 March" in text
    assert "Help asked: their manager could join the Fabrikam CFO call." in text
    assert '"' not in text and 3 <= text.count(". ") + 1 <= 7
    assert draft.help_asked == "Their manager could join the Fabrikam CFO call"


def test_a_start_date_is_not_the_due_date():
    today = date(2026, 11, 22)
    [block] = commitments_in("I will create a Monday prospecting block starting next Monday.",
                             today)
    assert block["due_date"] is None and "starting next Monday" in block["text"]
    [calls] = commitments_in("I will call lapsed accounts starting Monday until 4 December.",
                             today)
    assert calls["due_date"] == date(2026, 12, 4)


def test_openai_request_carries_the_follow_up_as_guidance_and_the_token_parameter(context):
    stream = {"content-type": "text/event-stream"}
    server = Server(httpx2.Response(200, text=sse(), headers=stream),
                    httpx2.Response(200, text=sse(AGAIN), headers=stream))
    coach = Coach(engine_for(server, token_param="max_completion_tokens"))
    state = SessionState(mode="weekly_review", stage="", context=context,
                         due_commitments=[dict(c) for c in DUE])
    list(coach.open(state))
    # the model asks the follow-up in its own words: the commitment comes as data (a user
    # message), never as a canned line it would copy
    asked = server.requests[0]["messages"]
    assert [m for m in asked if m["role"] == "user" and DUE[0]["text"] in m["content"]]
    assert not [m for m in asked if m["role"] == "system" and DUE[0]["text"] in m["content"]]
    assert all("How did it go?" not in m["content"] for m in asked)
    assert state.turns[-1].stage == "follow_up"
    list(coach.respond(state, ANSWERS[0]))
    request = server.requests[-1]
    assert "max_tokens" not in request and request["max_completion_tokens"] == 300
    guidance = [m for m in request["messages"] if m["role"] == "system"
                and "the due commitment the coach just asked about" in m["content"]]
    assert guidance and "Contoso" not in guidance[0]["content"]  # never the rep's words
    assert all("Done, then" not in m["content"] for m in request["messages"])
    assert json.dumps(request).count(ANSWERS[0]) == 1
