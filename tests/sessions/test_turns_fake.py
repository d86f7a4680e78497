"""One turn of a session with a scripted engine: idempotency, streaming, failures, the guard."""

import pytest
from sqlalchemy import select

from models import Message
from service.coach import EngineBadOutput, EngineRateLimited, EngineTimeout

from .conftest import sse_events

REPLY = "So two of the three meetings happened. What made the third one stall?"


def start(api, world, fake, mode="weekly_review", follow_ups=True, **extra):
    """A session past its two due follow-ups (fixed questions), so the engine speaks next."""
    response = api.post("/sessions", world.token, json={"mode": mode, **extra})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    if follow_ups:
        say(api, world, body["id"], "I booked two of the three.", "f1")
        fake.enqueue("Your closed value is down this month. What do you make of that?")
        say(api, world, body["id"], "The proposal went out on time.", "f2")
    return body


def say(api, world, session_id, text="I booked two of the three meetings.", cid="m1", **kw):
    return api.post(f"/sessions/{session_id}/messages", world.token,
                    json={"text": text, "client_message_id": cid}, **kw)


def stored(session, session_id):
    session.expire_all()
    return session.scalars(select(Message).where(Message.session_id == session_id)
                           .order_by(Message.id)).all()


def test_session_opens_on_due_commitments_and_shows_visibility(api, world, fake):
    body = start(api, world, fake, follow_ups=False)
    assert body["status"] == "active" and body["transcript_visibility"] == "full"
    assert body["messages"][0]["role"] == "coach"
    assert "Book three discovery meetings" in body["messages"][0]["text"]
    assert body["messages"][0]["text"].endswith("?")


def test_same_client_message_id_returns_the_stored_reply(api, world, fake, session):
    sid = start(api, world, fake)["id"]
    fake.enqueue(REPLY)
    first = say(api, world, sid)
    again = say(api, world, sid)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert [m.role for m in stored(session, sid)][-3:] == ["coach", "rep", "coach"]
    assert len(stored(session, sid)) == 7
    streamed = say(api, world, sid, headers={"Accept": "text/event-stream"})
    assert sse_events(streamed.get_data(as_text=True)) == [("done", {
        "message_id": first.get_json()["reply"]["id"], "stage": first.get_json()["reply"]["stage"],
        "rep_message_id": first.get_json()["rep_message"]["id"],
        "text": first.get_json()["reply"]["text"],
        "choices": first.get_json()["reply"]["choices"],
        "intent": first.get_json()["reply"]["intent"]})]


def test_sse_streams_deltas_then_done(api, world, fake, session):
    sid = start(api, world, fake)["id"]
    fake.enqueue(REPLY)
    response = say(api, world, sid, "Not yet, procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"})
    assert response.mimetype == "text/event-stream"
    events = sse_events(response.get_data(as_text=True))
    names = [name for name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"delta"} and len(names) > 2
    assert "".join(d["text"] for n, d in events if n == "delta") == REPLY
    done = events[-1][1]
    assert done["text"] == REPLY and stored(session, sid)[-1].id == done["message_id"]


@pytest.mark.parametrize("failure, status", [
    (EngineTimeout("slow"), 504), (EngineRateLimited("429"), 503),
    (EngineBadOutput("no finish_reason"), 502)])
def test_failure_keeps_the_message_and_a_retry_works(api, world, fake, session, failure, status):
    sid = start(api, world, fake)["id"]
    fake.enqueue(failure)
    failed = say(api, world, sid, "Procurement asked for a new scope.", "m2")
    assert failed.status_code == status
    error = failed.get_json()["error"]
    assert error["fields"]["retryable"] is True and "send it again" in error["message"]
    messages = stored(session, sid)
    assert messages[-1].role == "rep" and messages[-1].text == "Procurement asked for a new scope."
    other = say(api, world, sid, "Something else", "m3")
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "reply_pending"
    fake.enqueue(REPLY)
    retried = say(api, world, sid, "Procurement asked for a new scope.", "m2")
    assert retried.status_code == 200 and retried.get_json()["reply"]["text"] == REPLY
    messages = stored(session, sid)
    assert [m.role for m in messages[-3:]] == ["coach", "rep", "coach"] and len(messages) == 7
    assert messages[-1].reply_to_id == messages[-2].id


def test_sse_failure_is_an_error_event(api, world, fake, session):
    sid = start(api, world, fake)["id"]
    fake.enqueue(EngineTimeout("slow"))
    response = say(api, world, sid, "Procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"})
    events = sse_events(response.get_data(as_text=True))
    assert events[-1][0] == "error"
    assert events[-1][1]["retryable"] is True and events[-1][1]["code"] == "timeout"
    assert stored(session, sid)[-1].role == "rep"


def test_client_leaving_mid_stream_still_stores_the_reply(app, world, fake, session, api):
    sid = start(api, world, fake)["id"]
    fake.enqueue(REPLY)
    client = app.test_client()
    response = client.post(f"/api/v1/sessions/{sid}/messages", buffered=False,
                           json={"text": "It slipped to next week.", "client_message_id": "m2"},
                           headers={"Authorization": f"Bearer {world.token}",
                                    "Accept": "text/event-stream"})
    first = next(iter(response.response))
    assert b"event: delta" in first
    response.close()  # the browser went away after the first piece
    last = stored(session, sid)[-1]
    assert last.role == "coach" and last.text == REPLY


def test_guard_regeneration_is_recorded_on_the_message(api, world, fake, session):
    sid = start(api, world, fake)["id"]
    fake.enqueue("You should call procurement tomorrow.", REPLY)
    response = say(api, world, sid, "Procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"})
    events = sse_events(response.get_data(as_text=True))
    # the rejected draft never streamed: its only sentence failed, so the rep saw nothing of it
    assert [name for name, _ in events] == ["replace", "done"]
    assert events[0] == ("replace", {"text": REPLY})
    last = stored(session, sid)[-1]
    assert last.text == REPLY and last.guard_outcome == "regenerated"
    assert any("telling" in reason for reason in last.guard_reasons)


def test_the_model_sees_no_other_reps_data(api, world, fake):
    start(api, world, fake, mode="opportunity_strategy", opportunity_id=world.opportunity_id)
    prompt = " ".join(m["content"] for turn in fake.history for m in turn.messages)
    assert "Zanzibar" not in prompt and "999" not in prompt


def test_a_rep_cannot_post_into_another_reps_session(api, world, fake, orgs):
    sid = start(api, world, fake)["id"]
    other = orgs["one"].tokens["rep_a2"]
    response = api.post(f"/sessions/{sid}/messages", other,
                        json={"text": "hello", "client_message_id": "x"})
    assert response.status_code == 404
    assert api.get(f"/sessions/{sid}", orgs["two"].tokens["rep_a1"]).status_code == 404


def test_message_validation(api, world, fake, app):
    sid = start(api, world, fake)["id"]
    app.config["MAX_MESSAGE_CHARS"] = 10
    too_long = say(api, world, sid, "x" * 11)
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["fields"]["text"] == ["At most 10 characters."]
    fake.enqueue("Ten of them. What comes next?")
    assert say(api, world, sid, "x" * 10, "at-the-limit").status_code == 200
    missing = api.post(f"/sessions/{sid}/messages", world.token, json={"text": "hi"})
    assert "client_message_id" in missing.get_json()["error"]["fields"]


def test_opportunity_modes_need_the_reps_own_opportunity(api, world, fake):
    missing = api.post("/sessions", world.token, json={"mode": "opportunity_strategy"})
    assert missing.status_code == 422 and "opportunity_id" in missing.get_json()["error"]["fields"]
    theirs = api.post("/sessions", world.token, json={
        "mode": "opportunity_strategy", "opportunity_id": world.other_opportunity_id})
    assert theirs.status_code == 404
    unknown = api.post("/sessions", world.token, json={"mode": "astrology"})
    assert unknown.status_code == 422 and "mode" in unknown.get_json()["error"]["fields"]
