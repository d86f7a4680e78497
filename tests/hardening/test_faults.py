"""Faults a rep can run into: the database down or locked, the server restarted mid-session,
the browser closed mid-reply. Each answers clearly and leaves nothing half-written."""

import socket
import sqlite3

import pytest
from sqlalchemy import event, select

from models import Message
from service.coach import EngineTimeout, FakeEngine

QUESTION = "What stands out to you in your week so far?"
REPLY = "So the pricing call moved. What would need to happen for it to land this week?"


def config(database_url, engine=None, **extra):
    return {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-key",
            "COACH_ENGINE": "guided", "COACH_ENGINE_INSTANCE": engine, **extra}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def start(client, token):
    response = client.post("/api/v1/sessions", json={"mode": "weekly_review"},
                           headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def say(client, token, sid, cid, text="The pricing call slipped to Thursday.", **headers):
    return client.post(f"/api/v1/sessions/{sid}/messages", headers={**bearer(token), **headers},
                       json={"text": text, "client_message_id": cid})


def stored(session, sid):
    session.expire_all()
    return [(m.role, m.text) for m in session.scalars(
        select(Message).where(Message.session_id == sid).order_by(Message.id))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-directory/salescoach.db",
    f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=2",
], ids=["sqlite-missing", "postgres-refused"])
def test_an_unreachable_database_answers_503_in_the_envelope(url, make_app):
    client = make_app(config(url)).test_client()
    response = client.get("/api/v1/me", headers=bearer("sc_whatever"))
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert "nothing was saved" in response.json["error"]["message"]
    assert response.headers["Retry-After"] == "5"
    assert client.get("/healthz").status_code == 503


def hold_write_lock(app, database_url):
    """Another writer holds the database; the app's own wait for it is made short."""
    engine = app.extensions["db"]["engine"]
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA busy_timeout=100"))
        engine.dispose()
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        return other.rollback
    import psycopg

    def short_wait(conn, _record):
        with conn.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")

    event.listen(engine, "connect", short_wait)
    engine.dispose()
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    other = psycopg.connect(dsn)
    other.execute("LOCK TABLE messages IN EXCLUSIVE MODE")
    return lambda: (other.rollback(), other.close())


def test_a_locked_database_answers_503_and_the_message_can_be_resent(database_url, orgs,
                                                                       session, make_app):
    app = make_app(config(database_url, FakeEngine(default=QUESTION)))
    client, token = app.test_client(), orgs["one"].tokens["rep_a1"]
    sid = start(client, token)
    release = hold_write_lock(app, database_url)
    try:
        locked = say(client, token, sid, "m1")
    finally:
        release()
    assert locked.status_code == 503
    assert locked.json["error"]["code"] == "unavailable"
    assert stored(session, sid) == [("coach", QUESTION)]  # nothing half-written
    retried = say(client, token, sid, "m1")
    assert retried.status_code == 200
    assert [role for role, _ in stored(session, sid)] == ["coach", "rep", "coach"]


def test_a_restarted_server_continues_the_session_from_what_was_stored(database_url, orgs,
                                                                         session, make_app):
    token = orgs["one"].tokens["rep_a1"]
    before = FakeEngine(QUESTION, REPLY, EngineTimeout("the model went quiet"))
    first = make_app(config(database_url, before))
    client = first.test_client()
    sid = start(client, token)
    assert say(client, token, sid, "m1").status_code == 200
    assert say(client, token, sid, "m2", text="I will call the CFO.").status_code == 504
    first.extensions["db"]["engine"].dispose()  # the process dies: no memory survives

    after = FakeEngine("Which part of that call matters most to you?", default=QUESTION)
    second = make_app(config(database_url, after)).test_client()
    resent = say(second, token, sid, "m2", text="I will call the CFO.")
    assert resent.status_code == 200
    assert resent.json["rep_message"]["text"] == "I will call the CFO."
    assert say(second, token, sid, "m3", text="Thursday, first thing.").status_code == 200
    transcript = second.get(f"/api/v1/sessions/{sid}", headers=bearer(token)).json["messages"]
    assert [m["role"] for m in transcript] == ["coach", "rep", "coach", "rep", "coach", "rep",
                                               "coach"]
    # The new process's coach was given the earlier turns, read back from the database.
    prompt = " ".join(m["content"] for m in after.history[0].messages)
    assert "The pricing call slipped to Thursday." in prompt and REPLY in prompt


def test_a_client_leaving_mid_stream_still_gets_the_reply_stored(app, orgs, session):
    engine = FakeEngine(QUESTION, REPLY, chunks=6)
    app.config["COACH_ENGINE_INSTANCE"] = engine
    client, token = app.test_client(), orgs["one"].tokens["rep_a1"]
    sid = start(client, token)
    response = say(client, token, sid, "m1", Accept="text/event-stream")
    assert next(iter(response.response)).startswith(b"event: delta")
    response.close()  # the browser tab is closed after the first event
    assert stored(session, sid)[-1] == ("coach", REPLY)
    again = say(client, token, sid, "m1", Accept="text/event-stream")
    assert f'"text":"{REPLY}"'.encode() in again.get_data()
    assert len(engine.history) == 2  # the retry read the stored reply; the model ran once


def test_an_exhausted_connection_pool_answers_503_not_500(database_url, orgs, make_app):
    from models.db import make_engine, make_sessionmaker

    app = make_app(config(database_url))
    app.extensions["db"]["engine"].dispose()
    tiny = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    app.extensions["db"].update(engine=tiny, sessionmaker=make_sessionmaker(tiny))
    held = tiny.connect()  # another request holds the only connection
    try:
        response = app.test_client().get("/api/v1/me", headers=bearer(orgs["one"].tokens["rep_a1"]))
    finally:
        held.close()
        tiny.dispose()
    assert response.status_code == 503
    assert response.json["error"]["message"].startswith("The service is busy")
    assert response.headers["Retry-After"] == "5"


def test_a_request_that_finds_every_connection_busy_waits_for_one_instead_of_failing(
        database_url, orgs, make_app):
    import threading

    from models.db import make_engine, make_sessionmaker

    app = make_app(config(database_url))
    app.extensions["db"]["engine"].dispose()
    tiny = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=10)
    app.extensions["db"].update(engine=tiny, sessionmaker=make_sessionmaker(tiny))
    held = tiny.connect()  # another request holds the only connection for 0.3 s
    threading.Timer(0.3, held.close).start()
    try:
        response = app.test_client().get("/api/v1/me", headers=bearer(orgs["one"].tokens["rep_a1"]))
    finally:
        tiny.dispose()
    assert response.status_code == 200  # queued in the pool, served once the connection freed
    assert response.json["email"] == orgs["one"].users["rep_a1"].email
