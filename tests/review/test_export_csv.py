"""CSV export for BI tools: fixed headers, the pages' filters, ISO dates, no formulas, streamed."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from service.review import csv_export
from service.world import past_session

from .conftest import login
from .seed import PASSWORD, add_figures, add_sessions, with_passwords


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def header_of(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.text)))


@pytest.fixture
def world(session, orgs):
    org = orgs["one"]
    org.made = add_sessions(session, org, 6) + add_sessions(session, org, 2, rep_names=("rep_b1",), start=50)
    add_sessions(session, org, 2, status="ended", start=100)  # never shared
    add_figures(session, org, rep_names=("rep_a1", "rep_a2", "rep_b1"))
    return org


def test_sessions_csv_has_the_documented_header_and_the_shared_sessions(api, world):
    response = api.get("/api/v1/review/export/sessions.csv", world.tokens["manager_a"])
    assert header_of(response) == list(csv_export.SESSION_COLUMNS)
    rows = rows_of(response)
    team_a = [s for s in world.made if s.rep_id != world.users["rep_b1"].id]
    assert sorted(int(r["session_id"]) for r in rows) == sorted(s.id for s in team_a)
    first = next(r for r in rows if int(r["session_id"]) == team_a[0].id)
    assert first["rep_name"] == "One rep_a1" and first["team_name"] == "Team A"
    assert first["mode"] == "weekly_review" and first["summary"] == "Session 0 summary about the quarter."
    assert datetime.fromisoformat(first["started_at"]) == team_a[0].started_at  # ISO, with the zone
    assert first["reviewed_at"] == "" and first["opportunity_name"] == "Deal 0"
    assert all(r["team_name"] != "Team B" for r in rows)


def test_sessions_csv_filters_as_the_sessions_page(api, world):
    token = world.tokens["admin"]
    rep = world.users["rep_a2"]
    by_rep = rows_of(api.get(f"/api/v1/review/export/sessions.csv?rep_id={rep.id}", token))
    assert {r["rep_id"] for r in by_rep} == {str(rep.id)} and len(by_rep) == 3
    team_b = rows_of(api.get(f"/api/v1/review/export/sessions.csv?team_id={world.teams['B'].id}", token))
    assert {r["rep_name"] for r in team_b} == {"One rep_b1"}
    mode = rows_of(api.get("/api/v1/review/export/sessions.csv?mode=opportunity", token))
    assert {r["mode"] for r in mode} == {"opportunity"} and len(mode) == 4
    found = rows_of(api.get("/api/v1/review/export/sessions.csv?q=Session 3 summary", token))
    assert [r["session_id"] for r in found] == [str(world.made[3].id)]
    today = date.today()
    recent = rows_of(api.get(f"/api/v1/review/export/sessions.csv?date_from={today}", token))
    assert {r["session_id"] for r in recent} == {str(s.id) for s in world.made
                                                  if s.started_at.date() >= today}
    refused = api.get("/api/v1/review/export/sessions.csv?date_from=soon", token)
    assert refused.status_code == 422


def test_commitments_csv_by_status_rep_and_team(api, world):
    token = world.tokens["manager_a"]
    response = api.get("/api/v1/review/export/commitments.csv", token)
    assert header_of(response) == list(csv_export.COMMITMENT_COLUMNS)
    every = rows_of(response)
    assert {r["status"] for r in every} == {"open", "overdue", "done"}
    assert {r["rep_name"] for r in every} == {"One rep_a1", "One rep_a2"}
    overdue = rows_of(api.get("/api/v1/review/export/commitments.csv?status=overdue", token))
    assert overdue and all(date.fromisoformat(r["due_date"]) < date.today() for r in overdue)
    assert {r["text"] for r in overdue} == {r["text"] for r in every if r["status"] == "overdue"}
    rep = world.users["rep_a1"]
    done = rows_of(api.get(f"/api/v1/review/export/commitments.csv?status=done&rep_id={rep.id}", token))
    assert done and {(r["status"], r["rep_id"]) for r in done} == {("done", str(rep.id))}
    other_team = rows_of(api.get(f"/api/v1/review/export/commitments.csv?team_id={world.teams['B'].id}",
                                 token))
    assert other_team == []  # manager_a does not lead team B


def test_kpis_csv_by_rep_and_period(api, world):
    token = world.tokens["admin"]
    response = api.get("/api/v1/review/export/kpis.csv", token)
    assert header_of(response) == list(csv_export.KPI_COLUMNS)
    rows = rows_of(response)
    assert len(rows) == 9  # three reps, three months
    rep = world.users["rep_a1"]
    mine = rows_of(api.get(f"/api/v1/review/export/kpis.csv?rep_id={rep.id}&period_type=month", token))
    assert [(r["closed_value"], r["quota"], r["deals_closed"]) for r in mine] == [
        ("20000.00", "20000.00", "2"), ("15000.00", "20000.00", "1"), ("10000.00", "20000.00", "0")]
    assert [date.fromisoformat(r["period_start"]) for r in mine] == sorted(
        date.fromisoformat(r["period_start"]) for r in mine)
    since = mine[-1]["period_start"]
    assert len(rows_of(api.get(f"/api/v1/review/export/kpis.csv?date_from={since}", token))) == 3
    manager = rows_of(api.get("/api/v1/review/export/kpis.csv", world.tokens["manager_b"]))
    assert {r["rep_name"] for r in manager} == {"One rep_b1"}


def test_cells_that_would_be_formulas_are_defused(api, session, orgs):
    org = orgs["one"]
    rep = org.users["rep_a1"]
    rep.name = "=cmd|' /C calc'!A0"
    past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=datetime.now().astimezone() - timedelta(days=1),
                 confirmed_at=datetime.now().astimezone(), summary='=HYPERLINK("http://evil.test","x")',
                 help_asked="@SUM(A1:A9)", commitments=[
                     {"text": "+1 call to the CFO", "measure": "-2 days", "due_date": date.today()},
                     {"text": "\tTabbed", "measure": "plain", "due_date": date.today()}])
    session.commit()
    [row] = rows_of(api.get("/api/v1/review/export/sessions.csv", org.tokens["manager_a"]))
    assert row["rep_name"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'=HYPERLINK(\"http://evil.test\",\"x\")"
    assert row["help_asked"] == "'@SUM(A1:A9)"
    commitments = rows_of(api.get("/api/v1/review/export/commitments.csv", org.tokens["manager_a"]))
    assert [(c["text"], c["measure"]) for c in commitments] == [
        ("'+1 call to the CFO", "'-2 days"), ("'\tTabbed", "plain")]


def test_the_pages_link_their_csv_with_the_filters_and_it_downloads(web, session, world):
    with_passwords(session, world)
    browser = web.test_client()
    assert login(browser, world.users["manager_a"].email, PASSWORD).status_code == 302
    rep = world.users["rep_a2"]
    page = browser.get(f"/review/sessions?rep_id={rep.id}&page=1")
    href = f'/review/export/sessions.csv?rep_id={rep.id}"'
    assert href in page.text
    rows = rows_of(browser.get(href.rstrip('"')))
    assert {r["rep_name"] for r in rows} == {"One rep_a2"} and len(rows) == 3
    commitments = browser.get("/review/commitments")
    assert "/review/export/commitments.csv?status=open" in commitments.text
    open_ones = rows_of(browser.get("/review/export/commitments.csv?status=open"))
    assert {r["status"] for r in open_ones} == {"open", "overdue"}  # as the page: open, some late
    assert "/review/export/kpis.csv" in browser.get("/review/").text
    assert len(rows_of(browser.get("/review/export/kpis.csv"))) == 6


def test_a_large_export_is_streamed_in_batches(api, world, monkeypatch):
    monkeypatch.setattr(csv_export, "BATCH", 2)
    response = api.client.get("/api/v1/review/export/commitments.csv",
                              headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert response.is_streamed
    chunks = list(response.response)
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) > 4 and len(chunks) == len(rows) // 2 + 1  # the header rides with the first
