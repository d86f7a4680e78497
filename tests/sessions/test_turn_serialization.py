"""One turn at a time per session: parallel sends (real threads, real database - PostgreSQL with
TEST_DATABASE_URL) get exactly one reply, the others 409 reply_pending, and what is stored
matches the session's flow state (no lost update)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import CoachingSession, Message, utcnow
from service.api import sessions as sessions_api
from service.coach import FakeEngine

QUESTION = "What stands out to you in your week so far?"
NEXT = "So the pricing call slipped. What would make the next one go your way?"  # not a repeat
SENDERS = 6


class GatedEngine(FakeEngine):
    """Replies only once the test opens the gate: the turn stays pending meanwhile."""

    def __init__(self, gate: threading.Event):
        super().__init__(default=QUESTION)
        self.gate = gate

    def stream(self, turn):
        if turn.intent != "open" or self.history:
            assert self.gate.wait(20), "the test never opened the gate"
        yield from super().stream(turn)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def send(app, token, sid, cid):
    response = app.test_client().post(
        f"/api/v1/sessions/{sid}/messages", headers=bearer(token),
        json={"text": f"Two deals slipped to next month, message {cid}.", "client_message_id": cid})
    return response.status_code, response.get_json()


def start(app, token):
    response = app.test_client().post("/api/v1/sessions", headers=bearer(token),
                                      json={"mode": "weekly_review"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def stored_and_state(session, sid):
    session.expire_all()
    reps = session.scalars(select(Message.text).where(
        Message.session_id == sid, Message.role == "rep")).all()
    state = session.get(CoachingSession, sid).state
    return len(reps), sum(1 for t in state["turns"] if t["role"] == "rep")


def outcome(results):
    statuses = sorted(status for status, _ in results)
    codes = {body["error"]["code"] for status, body in results if status == 409}
    return statuses, codes


@pytest.fixture
def gate():
    opened = threading.Event()
    yield opened
    opened.set()


def test_parallel_sends_that_read_the_same_version_get_one_reply(app, orgs, session, monkeypatch,
                                                                  gate):
    """All six read the session before any claims it: the conditional UPDATE lets one through."""
    gate.set()
    app.config["COACH_ENGINE_INSTANCE"] = FakeEngine(default=QUESTION)
    token = orgs["one"].tokens["rep_a1"]
    sid = start(app, token)
    together = threading.Barrier(SENDERS, timeout=20)
    looked_up = sessions_api.lookup_turn

    def lookup_then_wait(*args, **kwargs):
        found = looked_up(*args, **kwargs)
        together.wait()  # every sender holds the same version before any of them claims
        return found

    monkeypatch.setattr(sessions_api, "lookup_turn", lookup_then_wait)
    with ThreadPoolExecutor(SENDERS) as pool:
        results = list(pool.map(lambda n: send(app, token, sid, f"c{n}"), range(SENDERS)))
    assert outcome(results) == ([200] + [409] * (SENDERS - 1), {"reply_pending"})
    assert stored_and_state(session, sid) == (1, 1)


def test_sends_while_a_reply_is_pending_get_reply_pending(app, orgs, session, gate):
    """The first send holds the session while the model thinks; the others are refused."""
    app.config["COACH_ENGINE_INSTANCE"] = GatedEngine(gate)
    token = orgs["one"].tokens["rep_a1"]
    sid = start(app, token)
    with ThreadPoolExecutor(SENDERS) as pool:
        first = pool.submit(send, app, token, sid, "first")
        while stored_and_state(session, sid)[0] == 0:  # its message is stored: the turn is on
            threading.Event().wait(0.01)
        others = list(pool.map(lambda n: send(app, token, sid, f"c{n}"), range(SENDERS - 1)))
        gate.set()
        results = [first.result(), *others]
    assert outcome(results) == ([200] + [409] * (SENDERS - 1), {"reply_pending"})
    refused = others[0][1]["error"]
    assert refused["fields"]["client_message_id"] == ["first"]
    assert stored_and_state(session, sid) == (1, 1)
    assert send(app, token, sid, "next")[0] == 200  # the reply is stored: the next turn goes
    assert stored_and_state(session, sid) == (2, 2)


def test_a_claim_left_by_a_dead_process_lapses_and_the_resend_takes_over(app, orgs, session):
    app.config["COACH_ENGINE_INSTANCE"] = FakeEngine(QUESTION, default=NEXT)
    token = orgs["one"].tokens["rep_a1"]
    sid = start(app, token)
    row = session.get(CoachingSession, sid)
    # A process stored the rep's message and claimed the session, then died before the reply.
    session.add(Message(session_id=sid, role="rep", text="The pricing call slipped.",
                        stage=row.stage, client_message_id="lost"))
    session.execute(update(CoachingSession).where(CoachingSession.id == sid).values(
        version=CoachingSession.version + 1, turn_claimed_until=utcnow() + timedelta(minutes=3)))
    session.commit()
    status, body = send(app, token, sid, "lost")
    assert status == 409 and body["error"]["code"] == "reply_pending"
    assert send(app, token, sid, "other")[0] == 409
    session.execute(update(CoachingSession).where(CoachingSession.id == sid).values(
        turn_claimed_until=utcnow() - timedelta(seconds=1)))  # the claim's time is up
    session.commit()
    status, body = send(app, token, sid, "lost")
    assert status == 200 and body["reply"]["text"] == NEXT
    assert stored_and_state(session, sid) == (1, 1)
