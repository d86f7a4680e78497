"""Discard and resume: a rep deletes an unconfirmed session with all it made (follow-ups given in
it are asked again), goes back from the end view to the chat, and a second start resumes the
session in progress unless the rep asks for a new one (issue 11, through the API)."""

from sqlalchemy import func, select

from models import CoachingSession, Commitment, Message
from service.widget.tokens import mint
from tests.widget.conftest import ORIGIN, allowed  # noqa: F401 - the fixture, used by name


def send(api, token, sid, cmid, text="", choice=None):
    body = {"text": text, "client_message_id": cmid}
    if choice is not None:
        body["choice"] = choice
    return api.post(f"/sessions/{sid}/messages", token, json=body)


def count(session, model, *where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_discarding_an_active_session_undoes_the_follow_up_answered_in_it(api, world, session):
    first_id = world.due_ids[0]
    opened = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()
    sid = opened["id"]
    send(api, world.token, sid, "a", "All three booked.", "done")
    session.expire_all()
    answered = session.get(Commitment, first_id)
    assert (answered.status, answered.followed_up_session_id) == ("done", sid)

    assert api.delete(f"/sessions/{sid}", world.token).status_code == 204
    assert api.get(f"/sessions/{sid}", world.token).status_code == 404
    assert count(session, CoachingSession, CoachingSession.id == sid) == 0
    assert count(session, Message, Message.session_id == sid) == 0
    undone = session.get(Commitment, first_id)
    assert (undone.status, undone.follow_up, undone.outcome_note,
            undone.followed_up_session_id, undone.closed_at) == ("open", "", "", None, None)
    again = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()
    assert again["messages"][0]["choices"]["about"] == first_id  # asked again
    assert "Book three discovery meetings" in again["messages"][0]["text"]


def test_discarding_an_ended_session_deletes_its_drafts(api, world, session):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    send(api, world.token, sid, "a", choice="partly")
    send(api, world.token, sid, "b", choice="not_yet")
    send(api, world.token, sid, "c", "I will send the Fabrikam proposal by Friday.")
    api.post(f"/sessions/{sid}/end", world.token)
    added = api.post(f"/sessions/{sid}/commitments", world.token,
                     json={"text": "Call the CFO"}).get_json()
    assert count(session, Commitment, Commitment.session_id == sid) >= 1

    assert api.delete(f"/sessions/{sid}", world.token).status_code == 204
    assert count(session, Commitment, Commitment.session_id == sid) == 0
    assert session.get(Commitment, added["id"]) is None
    assert count(session, Message, Message.session_id == sid) == 0
    assert all(session.get(Commitment, i).followed_up_session_id is None
               and session.get(Commitment, i).follow_up == "" for i in world.due_ids)
    listed = api.get("/sessions", world.token).get_json()["items"]
    assert sid not in {s["id"] for s in listed}


def test_a_confirmed_session_cannot_be_discarded_nor_another_reps(api, world, session, orgs):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    other = orgs["one"].tokens["rep_a2"]
    assert api.delete(f"/sessions/{sid}", other).status_code == 404
    assert api.post(f"/sessions/{sid}/reopen", other).status_code == 404
    api.post(f"/sessions/{sid}/end", world.token)
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})

    refused = api.delete(f"/sessions/{sid}", world.token)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "session_confirmed"
    reopened = api.post(f"/sessions/{sid}/reopen", world.token)
    assert reopened.status_code == 409
    assert reopened.get_json()["error"]["code"] == "session_confirmed"
    manager = orgs["one"].tokens["manager_a"]
    assert api.get(f"/sessions/{sid}", manager).get_json()["status"] == "confirmed"


def test_a_session_with_a_turn_running_is_not_discarded(api, world, session):
    from datetime import timedelta

    from models import utcnow

    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    row = session.get(CoachingSession, sid)
    row.turn_claimed_until = utcnow() + timedelta(seconds=30)
    session.commit()
    refused = api.delete(f"/sessions/{sid}", world.token)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "reply_pending"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert count(session, CoachingSession, CoachingSession.id == sid) == 1
    assert count(session, Message, Message.session_id == sid) == 1


def test_a_second_start_names_the_active_session_unless_a_new_one_is_asked(api, world, session):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    refused = api.post("/sessions", world.token, json={"mode": "skills_audit"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "session_active" and error["fields"] == {"session_id": [sid]}
    assert count(session, CoachingSession, CoachingSession.rep_id == world.rep.id,
                 CoachingSession.status == "active") == 1

    started = api.post("/sessions", world.token, json={"mode": "skills_audit", "new": True})
    assert started.status_code == 201
    assert api.get(f"/sessions/{sid}", world.token).get_json()["status"] == "active"
    assert started.get_json()["id"] != sid


def test_back_to_chat_reopens_an_ended_session_and_the_chat_goes_on(api, world, session):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    send(api, world.token, sid, "a", choice="done")
    ended = api.post(f"/sessions/{sid}/end", world.token).get_json()
    assert ended["status"] == "ended"

    reopened = api.post(f"/sessions/{sid}/reopen", world.token)
    assert reopened.status_code == 200
    body = reopened.get_json()
    assert body["status"] == "active" and body["ended_at"] is None and body["summary"] == ""
    assert body["commitments"] == []  # the draft is drawn again from the whole conversation
    turn = send(api, world.token, sid, "b", choice="not_yet")
    assert turn.status_code == 200, turn.get_json()
    assert [m["role"] for m in api.get(f"/sessions/{sid}", world.token).get_json()["messages"]] \
        == ["coach", "rep", "coach", "rep", "coach"]
    again = api.post(f"/sessions/{sid}/end", world.token).get_json()
    assert again["status"] == "ended" and again["summary"]
    answered = {a["commitment_id"]: a["value"] for a in again["answers"]}
    assert answered == dict(zip(world.due_ids, ["done", "not_yet"], strict=True))


def test_a_widget_token_discards_and_reopens_its_own_users_sessions(api, allowed, session):  # noqa: F811
    one = allowed["one"]
    token = mint(one.users["rep_a1"], ORIGIN).token
    other = mint(one.users["rep_a2"], ORIGIN).token
    headers = {"Origin": ORIGIN}
    sid = api.call("POST", "/sessions", token, headers=headers,
                   json={"mode": "weekly_review"}).get_json()["id"]
    api.call("POST", f"/sessions/{sid}/end", token, headers=headers)
    assert api.call("POST", f"/sessions/{sid}/reopen", other, headers=headers).status_code == 404
    assert api.call("DELETE", f"/sessions/{sid}", other, headers=headers).status_code == 404
    reopened = api.call("POST", f"/sessions/{sid}/reopen", token, headers=headers)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "active"
    assert api.call("DELETE", f"/sessions/{sid}", token, headers=headers).status_code == 204
    assert count(session, CoachingSession, CoachingSession.id == sid) == 0
