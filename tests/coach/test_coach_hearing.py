"""With a model, the model does the hearing: one structured answer per turn (heard.py) through
the OpenAI engine (the real SDK over httpx2.MockTransport), its signals applied by the flow
(hearing.py) instead of the offline readers."""

import json
import logging

import httpx2

from service.coach import Coach, Delta, Replace, SessionState, TurnResult
from service.coach.heard import ReplyReader, read_heard
from tests.coach.test_coach_openai import (
    QUIET,
    REPLY,
    Server,
    chunk,
    engine_for,
    sse,
    stream_response,
)

NEXT = "So the slip was about timing. Which part of that could you influence?"
THIRD = "So procurement went quiet. What would you do differently next time?"
ANSWER = "Two deals slipped into next month because procurement at Globex went quiet."


def opened(context, *responses, mode="weekly_review", **kw):
    server = Server(stream_response(sse()), *responses)
    coach = Coach(engine_for(server))
    state = SessionState(mode=mode, stage="", context=context, **kw)
    list(coach.open(state))
    return coach, state, server


def test_the_reply_streams_out_of_the_json_piece_by_piece_and_the_rep_never_sees_json(context):
    coach, state, _ = opened(context, stream_response(sse(NEXT, answered=True)))
    items = list(coach.respond(state, ANSWER))
    pieces = [i for i in items if isinstance(i, Delta)]
    assert len(pieces) >= 2 and "".join(pieces) == NEXT == items[-1].text
    assert not [p for p in pieces if "{" in p or '"' in p or "answered" in p]


def test_answered_false_keeps_the_stage_and_true_moves_on(context):
    coach, state, server = opened(context, stream_response(sse(NEXT, answered=False)),
                                  stream_response(sse(THIRD, answered=True)))
    first = state.stage
    list(coach.respond(state, "Hmm, let me think about which one I mean here."))
    assert state.stage == first
    list(coach.respond(state, ANSWER))
    assert state.stage != first and state.turns[-1].stage == state.stage
    # the model was told where the reply goes once the question is answered
    last = server.requests[-1]["messages"][-1]
    assert last["role"] == "system" and "moves on to the next step" in last["content"]


def test_the_offline_readers_do_not_decide_for_a_model(context):
    """Forty words that the offline coach counts as an answer do not move a model's session
    when the model says the question is unanswered."""
    coach, state, _ = opened(context, stream_response(sse(NEXT, answered=False)))
    first = state.stage
    list(coach.respond(state, " ".join([ANSWER] * 4)))
    assert state.stage == first


def test_a_rating_in_words_from_the_model_is_a_proposal(context):
    coach, state, _ = opened(context, stream_response(sse(NEXT, answered=True)),
                             stream_response(sse(THIRD, rating=2, answered=True)),
                             mode="skills_audit")
    list(coach.respond(state, "I want to see where I stand before the next quarter starts."))
    skill = coach.mode(state).items(coach.mode(state).stage(state.stage), state.context)[
        state.flow.item_index]
    result = list(coach.respond(state, "I'd say I am weak there, I put off the phone blocks."))[-1]
    assert result.answers == [{"kind": "rating", "skill": skill, "value": 2, "source": "proposed",
                               "note": "I'd say I am weak there, I put off the phone blocks."}]
    assert state.flow.answers == result.answers  # kept for the end view, never yet recorded


def test_a_follow_up_status_heard_by_the_model_is_a_proposal(context):
    due = [{"id": 5, "text": "Send the Contoso pricing proposal", "due_date": "2025-03-05"}]
    coach, state, server = opened(context, stream_response(sse(NEXT, follow_up="done")),
                                  due_commitments=due)
    result = list(coach.respond(state, "I sent it on Monday and they replied already."))[-1]
    [answer] = result.answers
    assert (answer["commitment_id"], answer["value"], answer["source"]) == (5, "done", "proposed")
    assert "the due commitment the coach just asked about" in \
        server.requests[-1]["messages"][-1]["content"]


def test_a_bad_field_is_dropped_and_logged_the_rest_kept(context, caplog):
    bad = {"rating": "five", "flags": {"feeling": False, "off_topic": "maybe", "injection": False},
           "commitments": [{"text": "Call the Globex CFO", "due_date": "soon", "measure": None,
                            "kind": "action"},
                           {"text": "Book 6 first meetings", "due_date": "2025-03-07",
                            "measure": "6 meetings", "kind": "action"}]}
    coach, state, _ = opened(context, stream_response(sse(NEXT, answered=True, **bad)))
    first = state.stage
    with caplog.at_level(logging.WARNING):
        result = list(coach.respond(state, ANSWER))[-1]
    assert result.text == NEXT and result.guard["outcome"] == "passed"
    assert state.stage != first  # answered was fine, so it counted
    assert [(c["text"], c["due_date"], c["measure"]) for c in state.flow.heard] == [
        ("Book 6 first meetings", "2025-03-07", "6 meetings")]
    logged = caplog.text
    assert "field rating dropped" in logged and "off_topic dropped" in logged
    assert "turn commitment 0 dropped" in logged


def test_read_heard_drops_each_bad_field_alone():
    reply, heard = read_heard({"reply": "What next?", "answered": "perhaps", "language": "EN!",
                               "follow_up": "partly", "rating": 7})
    assert reply == "What next?"
    assert (heard.answered, heard.language, heard.follow_up, heard.rating) == (
        None, None, "partly", None)


def test_a_400_to_json_schema_falls_back_to_json_in_text_and_is_not_asked_again(context):
    refused = httpx2.Response(400, json={"error": {"message": "response_format not supported"}})
    fenced = "```json\n" + json.dumps({"reply": REPLY, **QUIET}) + "\n```"
    server = Server(refused, stream_response(sse(fenced, raw=True)),
                    stream_response(sse(NEXT, answered=True)))
    coach = Coach(engine_for(server))
    state = SessionState(mode="weekly_review", stage="", context=context)
    assert list(coach.open(state))[-1].text == REPLY
    list(coach.respond(state, ANSWER))
    first, fallback, later = server.requests
    assert first["response_format"]["json_schema"]["name"] == "coach_turn"
    assert "response_format" not in fallback and "response_format" not in later
    assert fallback["messages"][-1]["role"] == "system"
    assert '"reply"' in fallback["messages"][-1]["content"]  # the schema, asked for in text


def test_an_unparsable_answer_regenerates_then_falls_back_and_shows_no_json(context):
    prose = "Sure! Here is what I would say: What made the difference this time?"
    broken = '{"reply": "So that slipped. What made the difference?", "answered": tru'
    coach, state, server = opened(context, stream_response(sse(prose, raw=True)),
                                  stream_response(sse(broken, raw=True)))
    first = state.stage
    items = list(coach.respond(state, ANSWER))
    result = items[-1]
    assert result.guard["outcome"] == "fallback" and result.text.endswith("?")
    assert "JSON" in result.guard["reasons"][0]
    shown = "".join(i if isinstance(i, Delta) else i.text for i in items
                    if isinstance(i, (Delta, Replace)))
    assert "Sure!" not in shown and "{" not in shown and "answered" not in shown
    assert "JSON object" not in result.text and state.stage == first  # nothing was heard
    correction = server.requests[-1]["messages"][-2]
    assert correction["role"] == "system" and "JSON object" in correction["content"]


def test_an_unparsable_answer_then_a_good_one_is_regenerated(context):
    coach, state, _ = opened(context, stream_response(sse("No JSON here?", raw=True)),
                             stream_response(sse(NEXT, answered=True)))
    result = list(coach.respond(state, ANSWER))[-1]
    assert isinstance(result, TurnResult)
    assert (result.guard["outcome"], result.text) == ("regenerated", NEXT)


def test_a_strain_flag_marks_the_turn_personal_and_moves_nothing(context):
    care = "That sounds like a heavy week. What would help you most from this session today?"
    feeling = {"feeling": True, "off_topic": False, "injection": False}
    coach, state, _ = opened(context, stream_response(sse(care, answered=True, flags=feeling)))
    first = state.stage
    list(coach.respond(state, "Honestly my kid is ill and I barely slept this week at all."))
    assert state.stage == first and state.turns[-2].flag == "personal"


def test_the_models_language_settles_a_detected_one(context):
    coach, state, _ = opened(context, stream_response(sse(NEXT, language="es")))
    list(coach.respond(state, "Ok"))
    assert state.context["language"] == "es"
    assert state.context["language_source"] == "detected"


def test_the_request_always_ends_on_our_instruction(context):
    _, _, server = opened(context)
    last = server.requests[0]["messages"][-1]
    assert last["role"] == "system" and last["content"].startswith("Answer with one JSON object")
    assert server.requests[0]["response_format"]["json_schema"]["strict"] is True


def test_the_reply_reader_decodes_escapes_split_across_pieces():
    text = json.dumps({"reply": 'He said "no" \u2014 caf\u00e9 \U0001F600. What now?',
                       "answered": True})
    reader = ReplyReader()
    out = "".join(reader.feed(text[i:i + 3]) for i in range(0, len(text), 3))
    assert out == 'He said "no" \u2014 caf\u00e9 \U0001F600. What now?'
    assert reader.feed("more") == ""


def test_a_stream_cut_before_the_finish_is_still_an_engine_error(context):
    from service.coach import EngineBadOutput

    cut = chunk({"role": "assistant", "content": '{"reply": "So"'}) + "data: [DONE]\n\n"
    coach, state, _ = opened(context, stream_response(cut))
    try:
        list(coach.respond(state, ANSWER))
    except EngineBadOutput:
        pass
    else:
        raise AssertionError("a cut stream must fail the turn")
    assert state.turns[-1].role == "coach"  # the state is as it was before the turn


def test_the_whole_reply_is_shown_before_the_signals_after_it_have_streamed(context):
    """The reply's question is released once its string closes, not when the JSON ends."""
    log = []
    answer = json.dumps({"reply": NEXT, **QUIET})
    at = answer.index(NEXT) + len(NEXT) + 1  # just past the reply's closing quote

    def body():
        yield chunk({"role": "assistant", "content": ""}).encode()
        for start in range(0, at, 8):
            yield chunk({"content": answer[start:min(start + 8, at)]}).encode()
        log.append("signals")
        yield chunk({"content": answer[at:]}).encode()
        yield (chunk({}, "stop") + "data: [DONE]\n\n").encode()

    streamed = httpx2.Response(200, headers={"content-type": "text/event-stream"},
                               content=body())
    coach, state, _ = opened(context, streamed)
    for item in coach.respond(state, ANSWER):
        if isinstance(item, Delta):
            log.append(str(item))
    assert log.index("signals") > max(i for i, x in enumerate(log) if x.endswith("?"))
