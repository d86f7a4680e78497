"""A turn answers with what it stored: the JSON body, the streamed ``done`` and the terminal all
come from the rows the storing transaction wrote, and they match what a later read shows."""

from sqlalchemy import update

from models import CoachingSession, Message
from service.coach import Coach, FakeEngine
from service.sessions.claim import accept_message
from service.sessions.turn import create_session, open_session, run_turn, stored_turn

from .conftest import sse_events
from .test_turns_fake import REPLY, say, start

FIELDS = ("id", "role", "text", "stage", "reply_to_id", "guard_outcome")


def test_the_turn_body_is_what_a_later_read_shows(api, world, fake):
    sid = start(api, world, fake)["id"]
    fake.enqueue(REPLY)
    body = say(api, world, sid, "Procurement asked for a new scope.", "m2").get_json()
    shown = api.get(f"/sessions/{sid}", world.token).get_json()
    assert [{k: m[k] for k in FIELDS} for m in (body["rep_message"], body["reply"])] == \
        [{k: m[k] for k in FIELDS} for m in shown["messages"][-2:]]
    assert body["session"] == {"stage": shown["stage"], "status": "active"}
    streamed = say(api, world, sid, "Procurement asked for a new scope.", "m2",
                   headers={"Accept": "text/event-stream"})
    assert sse_events(streamed.get_data(as_text=True)) == [("done", {
        "message_id": body["reply"]["id"], "stage": body["reply"]["stage"],
        "rep_message_id": body["rep_message"]["id"], "text": REPLY,
        "choices": body["reply"]["choices"], "intent": body["reply"]["intent"]})]


def test_the_rep_message_takes_the_stage_the_flow_heard_it_in(app, world, session):
    sm = app.extensions["db"]["sessionmaker"]
    coach = Coach(FakeEngine(default=REPLY))
    with sm() as s:
        sid = create_session(s, coach, s.merge(world.rep), "weekly_review").id
    stored_turn(open_session(sm, coach, sid))
    with sm() as s:
        rep, _ = accept_message(s, s.get(CoachingSession, sid), "I booked two of the three.", "m1")
        rep_id = rep.id
        # stored under a stage the flow does not hear it in (the session moved on meanwhile)
        s.execute(update(Message).where(Message.id == rep_id).values(stage="stale"))
        s.commit()
    turn = stored_turn(run_turn(sm, coach, sid, rep_id))
    assert turn.rep_message.stage == "follow_up" and turn.reply.reply_to_id == rep_id
    session.expire_all()
    assert session.get(Message, rep_id).stage == "follow_up"
