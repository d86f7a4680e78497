"""The summary request through OpenAIEngine (httpx2.MockTransport): it ends on our instruction,
and a commitment that does not fit is dropped, not the whole summary."""

import json
import logging

import httpx2
import pytest

from service.coach import Coach, EngineBadOutput, SessionState
from service.coach.engines.openai import SUMMARY_NOW
from tests.coach.test_coach_openai import (
    AGAIN,
    Server,
    completion,
    engine_for,
    sse,
    stream_response,
)

BODY = {"summary": "Two meetings booked; the third slipped.", "help_asked": "",
        "commitments": [{"text": "Book the third meeting", "due_date": "2025-03-07",
                         "measure": "meeting booked", "kind": "action"}]}


def session_then_summary(context, *summaries):
    """A session whose transcript ends on the coach's line, as an ended session's does; then
    its summary, answered with ``summaries``."""
    server = Server(stream_response(sse()), stream_response(sse(AGAIN)), *summaries)
    coach = Coach(engine_for(server))
    state = SessionState(mode="weekly_review", stage="", context=context)
    list(coach.open(state))
    list(coach.respond(state, "I booked two of the three meetings."))
    assert state.turns[-1].role == "coach"
    return coach.draft_summary(state), server


def test_the_summary_request_ends_on_our_instruction_not_the_coachs_line(context):
    _, server = session_then_summary(context, httpx2.Response(200, json=completion(
        json.dumps(BODY))))
    sent = server.requests[-1]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["messages"][-1] == {"role": "system", "content": SUMMARY_NOW}
    assert sent["messages"][-2] == {"role": "assistant", "content": AGAIN}  # the coach's last line
    # bounds a grammar enforces, so a looping small model still closes the JSON
    items = sent["response_format"]["json_schema"]["schema"]["properties"]["commitments"]
    assert items["maxItems"] == 8
    assert items["items"]["properties"]["due_date"]["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def test_the_json_in_text_fallback_ends_on_the_instruction_too(context):
    refused = httpx2.Response(400, json={"error": {"message": "response_format not supported"}})
    _, server = session_then_summary(context, refused,
                                     httpx2.Response(200, json=completion(json.dumps(BODY))))
    last = server.requests[-1]["messages"][-1]
    assert last["role"] == "system" and last["content"].startswith(SUMMARY_NOW)
    assert "JSON schema" in last["content"]


def test_a_commitment_that_does_not_fit_is_dropped_and_logged_the_rest_kept(context, caplog):
    good = BODY["commitments"][0]
    body = {**BODY, "commitments": [
        {**good, "kind": "follow-up"},
        {**good, "text": "Send the proposal", "due_date": "next friday"},
        good,
        {**good, "text": "Call Globex", "due_date": "null", "measure": None},
        "call them"]}
    with caplog.at_level(logging.WARNING, logger="service.coach.summary.schema"):
        draft, _ = session_then_summary(context, httpx2.Response(200, json=completion(
            json.dumps(body))))
    assert [(c["text"], c["due_date"] and c["due_date"].isoformat(), c["measure"])
            for c in draft.commitments] == [("Book the third meeting", "2025-03-07",
                                             "meeting booked"), ("Call Globex", None, "")]
    assert draft.parts["points"] == "Two meetings booked; the third slipped."
    dropped = [r.getMessage() for r in caplog.records]
    assert len(dropped) == 3 and all("summary commitment" in m for m in dropped)
    assert "kind" in dropped[0] and "due_date" in dropped[1]


def test_a_summary_without_its_text_is_still_bad_output(context):
    with pytest.raises(EngineBadOutput):
        session_then_summary(context, httpx2.Response(200, json=completion(json.dumps(
            {"commitments": [], "help_asked": ""}))))
