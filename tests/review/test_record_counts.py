"""What the manager counts is what the rep confirmed (issue 11): Sam's completion rate is done /
commitments whose date came (a removed draft is deleted, never "dropped"), and junk sessions,
active or ended but unconfirmed, reach neither "sessions this week" nor the quality figures."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Commitment, utcnow
from service.world import past_session

from .conftest import login
from .seed import PASSWORD, with_passwords

R = "/api/v1/review"


def send(api, token, sid, cmid, text="", choice=None):
    body = {"text": text, "client_message_id": cmid}
    if choice is not None:
        body["choice"] = choice
    response = api.post(f"/sessions/{sid}/messages", token, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def sam(session, orgs):
    """Sam (rep_a1) has three confirmed commitments from a session eight days ago, all now due."""
    org = orgs["one"]
    with_passwords(session, org)
    rep, long_ago = org.users["rep_a1"], utcnow() - timedelta(days=8)
    yesterday = utcnow().date() - timedelta(days=1)
    past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=long_ago, ended_at=long_ago, confirmed_at=long_ago, summary="Before.",
                 commitments=[{"text": text, "due_date": yesterday} for text in (
                     "Book three discovery meetings", "Send the Fabrikam proposal",
                     "Call the Contoso sponsor")])
    session.commit()
    return org


def sams_row(api, org):
    rows = api.get(f"{R}/dashboard?period=week", org.tokens["manager_a"]).get_json()["reps"]
    return next(r for r in rows if r["rep"]["id"] == org.users["rep_a1"].id)


def test_sams_completion_rate_is_done_over_what_came_due_and_junk_counts_nowhere(
        api, sam, session, web):
    org, token = sam, sam.tokens["rep_a1"]
    sid = api.post("/sessions", token, json={"mode": "weekly_review"}).get_json()["id"]
    for cmid, choice in (("a", "done"), ("b", "done"), ("c", "not_yet")):
        send(api, token, sid, cmid, choice=choice)
    api.post(f"/sessions/{sid}/end", token)
    draft = api.post(f"/sessions/{sid}/commitments", token, json={
        "text": "Ask who actually signs", "due_date": str(utcnow().date() - timedelta(days=1))})
    assert api.delete(f"/commitments/{draft.get_json()['id']}", token).status_code == 204
    confirmed = api.patch(f"/sessions/{sid}/summary", token, json={"confirmed": True})
    assert confirmed.status_code == 200
    session.expire_all()
    assert session.scalar(select(Commitment).where(
        Commitment.text == "Ask who actually signs")) is None  # deleted, not dropped

    before = sams_row(api, org)
    assert before["commitments"] == {"open": 0, "overdue": 1, "done": 2, "dropped": 0,
                                     "completion_rate": 0.67}
    assert before["sessions"]["this_period"] == 1 and before["sessions"]["last_id"] == sid
    assert before["quality"]["sessions"] == 2  # the confirmed ones: eight days ago and today

    junk = api.post("/sessions", token, json={"mode": "weekly_review"}).get_json()["id"]
    send(api, token, junk, "j", "asdf")  # a one-turn junk session, left active
    ended = api.post("/sessions", token, json={"mode": "skills_audit", "new": True}).get_json()
    send(api, token, ended["id"], "e", "test")
    api.post(f"/sessions/{ended['id']}/end", token)  # ended, never confirmed

    after = sams_row(api, org)
    assert after == {**before}  # not a figure moved: sessions, commitments, quality alike
    manager = org.tokens["manager_a"]
    listed = api.get(f"{R}/sessions?per_page=100", manager).get_json()["items"]
    assert {s["id"] for s in listed} >= {sid}
    assert not {junk, ended["id"]} & {s["id"] for s in listed}
    assert not any(i.get("session_id") in (junk, ended["id"])
                   for i in api.get(f"{R}/ask-now", manager).get_json()["items"])

    client = web.test_client()
    assert login(client, org.users["manager_a"].email, PASSWORD).status_code == 302
    page = client.get("/review/?period=week").text
    card = page[page.index(org.users["rep_a1"].name):]
    assert re.search(r"<dt>Completion</dt><dd>67%</dd>", card)
    filters = client.get("/review/sessions").text
    assert "skills_audit" not in filters  # the ended draft's mode is not even a filter


def test_the_rate_counts_a_commitment_once_its_date_came(api, sam, session):
    """Sam's three came due yesterday (none answered yet: 0%). Beside them: one done early and
    one open today (their dates have not come: not counted), one undated done (never counted),
    one dropped at its date (counted, not done)."""
    org, today = sam, utcnow().date()
    rep = org.users["rep_a1"]
    past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=utcnow(), confirmed_at=utcnow(), commitments=[
                     {"text": "Early", "due_date": today + timedelta(days=3), "status": "done"},
                     {"text": "Today", "due_date": today},
                     {"text": "Undated", "status": "done"},
                     {"text": "Dropped", "due_date": today, "status": "dropped"}])
    session.commit()
    counts = sams_row(api, org)["commitments"]
    assert counts == {"open": 1, "overdue": 3, "done": 2, "dropped": 1, "completion_rate": 0.0}
    for row in session.scalars(select(Commitment).where(Commitment.text.in_((
            "Book three discovery meetings", "Send the Fabrikam proposal")))):
        row.status = "done"
    session.commit()
    assert sams_row(api, org)["commitments"]["completion_rate"] == 0.5  # 2 / (3 + dropped)
