"""Acting from the review pages: a commitment's status with a note, assigning a session, overdue
assignments in Ask now, and coaching beside results computed from seeded data."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models import CommitmentStatusChange, Organization, SessionAssignment, month_start
from service.world import monthly_figures, past_session

from .conftest import csrf_of, login
from .seed import PASSWORD, with_passwords


@pytest.fixture
def world(session, orgs):
    org = orgs["one"]
    with_passwords(session, org)
    return org


@pytest.fixture
def manager(web, world):
    client = web.test_client()
    assert login(client, world.users["manager_a"].email, PASSWORD).status_code == 302
    return client


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def _seed_results(session, org, today: date):
    """rep_a1: two sessions last month (one commitment kept, one missed) and one two months ago
    (kept); closed value 10,000 two months ago, 20,000 last month, 25,000 this month."""
    rep = org.users["rep_a1"].id
    last, before = month_start(today, 1), month_start(today, 2)
    for day, commitments in ((last + timedelta(days=2), [("done", 3), ("dropped", 5)]),
                             (last + timedelta(days=9), []),
                             (before + timedelta(days=4), [("done", 2)])):
        past_session(session, org.id, rep, mode="weekly_review", status="confirmed",
                     started_at=_at(day), confirmed_at=_at(day),
                     commitments=[{"text": f"{status} {d}", "status": status,
                                   "due_date": day + timedelta(days=d)} for status, d in commitments])
    monthly_figures(session, org.id, rep, today, {
        2: {"closed_value": Decimal(10000), "quota": Decimal(20000)},
        1: {"closed_value": Decimal(20000), "quota": Decimal(20000)},
        0: {"closed_value": Decimal(25000), "quota": Decimal(20000)}})
    session.commit()


def test_the_rep_timeline_puts_sessions_commitments_and_the_next_month_side_by_side(
        manager, session, world):
    today = date.today()
    _seed_results(session, world, today)
    rep = world.users["rep_a1"]
    data = manager.get(f"/api/v1/review/reps/{rep.id}/results",
                       headers={"Authorization": f"Bearer {world.tokens['manager_a']}"}).json
    months = {m["period_start"]: m for m in data["months"]}
    last, before = months[month_start(today, 1).isoformat()], months[month_start(today, 2).isoformat()]
    assert (last["sessions"], last["kept"], last["missed"], last["kept_pct"]) == (2, 1, 1, 50)
    assert (last["closed_value"], last["next_closed_value"], last["next_change_pct"]) == (
        "20000.00", "25000.00", 25.0)
    assert (before["sessions"], before["kept"], before["next_change_pct"]) == (1, 1, 100.0)
    assert len(last["session_list"]) == 2

    page = manager.get(f"/review/reps/{rep.id}")
    assert page.status_code == 200
    assert "association, not a cause" in page.text and "1 kept, 1 missed" in page.text
    assert "▲ 25.0%" in page.text

    team = manager.get("/review/results").text
    assert "association, not cause" in team and "50%" in team and "(1 of 2)" in team
    twin = manager.get("/api/v1/review/results",
                       headers={"Authorization": f"Bearer {world.tokens['manager_a']}"}).json
    row, = [r for r in twin["reps"] if r["rep"]["id"] == rep.id]
    assert (row["sessions"], row["kept_pct"], row["next_change_pct"]) == (2, 50, 25.0)
    assert twin["total"]["kept"] == 1 and twin["total"]["missed"] == 1


def test_other_managers_cannot_open_the_rep_page(web, world):
    other = web.test_client()
    assert login(other, world.users["manager_b"].email, PASSWORD).status_code == 302
    rep_id = world.users["rep_a1"].id
    assert other.get(f"/review/reps/{rep_id}").status_code == 404
    form = other.get("/review/").text
    refused = other.post(f"/review/reps/{rep_id}/assignments",
                         data={"mode": "weekly_review", "csrf_token": csrf_of(form)})
    assert refused.status_code == 404


def test_a_manager_sets_a_status_with_a_note_and_assigns_from_the_page(manager, session, world):
    rep = world.users["rep_a1"]
    coaching = past_session(session, world.id, rep.id, mode="weekly_review", status="confirmed",
                            confirmed_at=datetime.now(UTC),
                            commitments=[{"text": "Book ten first calls", "due_date": date.today()}])
    session.commit()
    commitment = coaching.commitments[0]
    page = manager.get("/review/commitments")
    assert "Book ten first calls" in page.text
    done = manager.post(f"/review/commitments/{commitment.id}/status", data={
        "status": "done", "note": "Done: we went through the list together.", "back": "session",
        "csrf_token": csrf_of(page.text)})
    assert done.status_code == 302 and f"/review/sessions/{coaching.id}" in done.location
    shown = manager.get(f"/review/sessions/{coaching.id}").text
    assert "Marked done by One manager_a" in shown and "we went through the list together" in shown
    change = session.query(CommitmentStatusChange).one()
    assert (change.changed_by_id, change.to_status) == (world.users["manager_a"].id, "done")
    forged = manager.post(f"/review/commitments/{commitment.id}/status", data={"status": "open"})
    assert forged.status_code == 400  # no CSRF token

    wrong = manager.post(f"/review/reps/{rep.id}/assignments", data={
        "mode": "call_debrief", "csrf_token": csrf_of(shown)})
    assert wrong.status_code == 422 and "The Call debrief mode needs one of the rep" in wrong.text
    assert 'role="alert"' in wrong.text and "Assign a session" in wrong.text

    due = date.today() - timedelta(days=1)
    made = manager.post(f"/review/reps/{rep.id}/assignments", data={
        "mode": "weekly_review", "due_date": due.isoformat(), "note": "Look back on the month",
        "csrf_token": csrf_of(shown)})
    assert made.status_code == 302
    assignment = session.query(SessionAssignment).one()
    assert (assignment.rep_id, assignment.mode, assignment.note) == (
        rep.id, "weekly_review", "Look back on the month")
    rep_page = manager.get(made.location).text
    assert "Assigned." in rep_page and "Look back on the month" in rep_page

    ask_page = manager.get("/review/ask-now")
    ask = ask_page.text
    assert "Overdue assignment" in ask and "Assigned session overdue: Look back on the month" in ask
    assert 'I asked you to "Look back on the month"' in ask.replace("&#34;", '"')

    withdrawn = manager.post(f"/review/assignments/{assignment.id}/withdraw",
                             data={"csrf_token": csrf_of(ask)})
    assert withdrawn.status_code == 302
    assert "Look back on the month" not in manager.get(withdrawn.location).text
    assert session.query(SessionAssignment).count() == 0


def test_results_months_are_the_organizations_months(manager, session, world):
    """20:00 UTC the day before a month begins is already the 1st in Auckland: the results count
    the session in that month and the rep page dates it there, with the zone."""
    zone = ZoneInfo("Pacific/Auckland")
    session.get(Organization, world.id).time_zone = "Pacific/Auckland"
    rep = world.users["rep_a1"]
    last = month_start(datetime.now(zone).date(), 1)
    moment = datetime.combine(last - timedelta(days=1), time(20), tzinfo=UTC)
    past_session(session, world.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=moment, confirmed_at=moment)
    session.commit()
    data = manager.get(f"/api/v1/review/reps/{rep.id}/results",
                       headers={"Authorization": f"Bearer {world.tokens['manager_a']}"}).json
    months = {m["period_start"]: m["sessions"] for m in data["months"]}
    assert months[last.isoformat()] == 1 and months[month_start(last, 1).isoformat()] == 0
    local = moment.astimezone(zone)
    assert local.day == 1
    page = manager.get(f"/review/reps/{rep.id}").text
    assert f'{local.day} {local:%b %Y, %H:%M %Z}">1 {local:%b}</a>' in page


def test_ask_now_counts_overdue_by_the_organizations_date(session, world):
    """09:00 in Auckland is 20:00 UTC the day before: a commitment due that UTC day is already
    overdue on the manager's calendar, and Ask now says so."""
    from service.review.asknow import ask_now

    session.get(Organization, world.id).time_zone = "Pacific/Auckland"
    rep = world.users["rep_a1"]
    now = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)          # 4 December, 09:00 in Auckland
    past_session(session, world.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=now - timedelta(days=7), confirmed_at=now - timedelta(days=7),
                 commitments=[{"text": "Send the Litware quote", "due_date": date(2026, 12, 3),
                               "status": "open"}])
    session.commit()
    items = ask_now(session, world.users["manager_a"], now)["items"]
    overdue = [i for i in items if i["kind"] == "overdue_commitment"]
    assert [i["rep"]["name"] for i in overdue] == [rep.name]
    session.get(Organization, world.id).time_zone = "UTC"  # the same moment in UTC: due today
    session.commit()
    items = ask_now(session, world.users["manager_a"], now)["items"]
    assert not [i for i in items if i["kind"] == "overdue_commitment"]
