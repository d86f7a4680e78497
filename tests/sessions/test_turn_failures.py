"""What a rep is told when a step stores nothing: engine failures and a turn taken over, as JSON,
as the event stream and in the terminal coach. The orchestration speaks no HTTP of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from models import CoachingSession
from service.coach import EngineRateLimited, EngineRefused, EngineTimeout, FakeEngine

from .conftest import sse_events
from .test_turns_fake import REPLY, say, start, stored

ROOT = Path(__file__).parents[2]
TAKEN = {"code": "reply_pending", "retryable": True,
         "message": "This turn took too long and was taken over by a resend of your message."}


class TakenOver(FakeEngine):
    """While it speaks, a resend takes the turn over (as after a lapsed claim): the session moves
    past the version this turn claimed."""

    def __init__(self, sessionmaker, session_id):
        super().__init__(default=REPLY)
        self.sessionmaker, self.session_id = sessionmaker, session_id

    def stream(self, turn):
        with self.sessionmaker() as s:
            s.execute(update(CoachingSession).where(CoachingSession.id == self.session_id)
                      .values(version=CoachingSession.version + 1))
            s.commit()
        yield from super().stream(turn)


def test_the_orchestration_imports_without_flask():
    code = ("import sys; sys.modules['flask'] = sys.modules['werkzeug'] = None; "
            "import service.coach, service.sessions.turn, service.sessions.ending, "
            "service.sessions.claim")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr


def test_a_busy_model_answers_503_with_the_wait_it_asked_for(api, world, fake):
    sid = start(api, world, fake)["id"]
    fake.enqueue(EngineRateLimited("429", retry_after=2.5))
    refused = say(api, world, sid, "Procurement asked for a new scope.", "m2")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "3"
    assert refused.get_json()["error"]["code"] == "unavailable"


def test_a_refused_request_streams_an_error_event_of_the_same_shape(api, world, fake, session):
    sid = start(api, world, fake)["id"]
    fake.enqueue(EngineRefused("model server refused the request (401)"))
    response = say(api, world, sid, "Procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"})
    assert sse_events(response.get_data(as_text=True)) == [("error", {
        "code": "bad_gateway", "retryable": True,
        "message": "The coach's answer came back broken. Your message is saved: send it again "
                   "to retry."})]
    assert stored(session, sid)[-1].role == "rep"


@pytest.mark.parametrize("streamed", [False, True])
def test_a_turn_taken_over_by_a_resend_stores_no_reply(app, api, world, fake, session, streamed):
    sid = start(api, world, fake)["id"]
    app.config["COACH_ENGINE_INSTANCE"] = TakenOver(app.extensions["db"]["sessionmaker"], sid)
    response = say(api, world, sid, "Procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"} if streamed else {})
    if streamed:
        assert sse_events(response.get_data(as_text=True))[-1] == ("error", TAKEN)
    else:
        assert response.status_code == 409
        assert response.get_json()["error"] == {"code": TAKEN["code"], "message": TAKEN["message"],
                                                "fields": {"retryable": True}}
    assert stored(session, sid)[-1].role == "rep"


def test_ending_when_the_model_times_out_keeps_the_session_open(api, world, fake):
    sid = start(api, world, fake)["id"]
    fake.enqueue(EngineTimeout("slow"))
    failed = api.post(f"/sessions/{sid}/end", world.token)
    assert failed.status_code == 504
    assert failed.get_json()["error"]["code"] == "timeout"
    assert failed.get_json()["error"]["fields"] == {"retryable": True}
    assert api.get(f"/sessions/{sid}", world.token).get_json()["status"] == "active"


def test_the_summary_waits_for_the_end_of_the_session(api, world, fake):
    sid = start(api, world, fake, follow_ups=False)["id"]
    refused = api.patch(f"/sessions/{sid}/summary", world.token, json={"summary": "Mine."})
    assert refused.status_code == 409 and refused.get_json()["error"] == {
        "code": "conflict", "message": "End the session first: there is no summary to edit yet.",
        "fields": {}}


def test_the_terminal_coach_says_why_ending_failed_and_ends_on_the_next_try(app, world):
    app.config["COACH_ENGINE_INSTANCE"] = FakeEngine(REPLY, EngineTimeout("slow"), {
        "summary": "Two of three meetings are booked.", "commitments": [], "help_asked": ""})
    typed = "\n".join(["1", "I booked two of the three.", "The proposal went out on time.",
                       "/end", "/end", "n", ""])
    result = app.test_cli_runner().invoke(
        args=["coach", "chat", "--email", world.rep.email], input=typed)
    assert result.exit_code == 0, result.output
    assert "[timeout] The coach could not draft the summary. Type /end to try again." in result.output
    assert "Two of three meetings are booked." in result.output


def test_the_terminal_coach_names_the_deal_at_fault(app, world, session):
    result = app.test_cli_runner().invoke(args=[
        "coach", "chat", "--email", world.rep.email, "--mode", "opportunity_strategy",
        "--opportunity", str(world.other_opportunity_id)])
    assert result.exit_code != 0
    assert f"No opportunity {world.other_opportunity_id} of yours here." in result.output
    assert session.scalar(select(func.count(CoachingSession.id)).where(
        CoachingSession.rep_id == world.rep.id, CoachingSession.status == "active")) == 0
