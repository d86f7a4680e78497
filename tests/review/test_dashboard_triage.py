"""The dashboard as a manager reads it: reps in order of need with the reason on each card, the
team's roll-up, charts that carry axes and values, and every time in the organization's zone."""

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import CoachingSession, Organization, User, month_start, utcnow
from service.demo import CLOSED_K, OPPORTUNITIES, QUOTA_K
from service.world import monthly_figures, past_session

from .conftest import csrf_of, login
from .seed import PASSWORD, add_sessions, with_passwords

EAST = ("riley", "sam", "nia")


def cards(html: str) -> list[tuple[str, str]]:
    """(rep name, the card's reason line) in page order."""
    names = re.findall(r'<h2 id="rep-\d+">([^<]+)</h2>', html)
    found = re.findall(r'<p class="need">(.*?)</p>', html, re.S)
    reasons = [re.sub(r"<[^>]+>", "", r).strip() for r in found]
    return list(zip(names, reasons, strict=True))


def test_reps_come_in_order_of_need_with_the_reason_on_each_card(maya):
    shown = cards(maya.get("/review/").text)
    assert [name for name, _ in shown] == ["Sam Slipping", "Riley Rising", "Nia New"]
    sam, riley, nia = (reason for _, reason in shown)
    # Sam: help asked two weeks ago, the Contoso signer overdue, Contoso 31 days in Negotiation
    # (benchmark 14), closed value 46k -> 39k, and that session two weeks ago was his last.
    assert sam == ("Why here: Asked for your help 14 days ago · 1 overdue commitment · "
                   "Contoso global rollout 31 days in Negotiation (benchmark 14) · Closed value down 15.2%"
                   " · No coaching in 14 days")
    assert riley == "Why here: Asked for your help 7 days ago · 1 overdue commitment"
    assert nia == "Why here: No coaching session yet"


def test_the_team_roll_up_is_the_sum_of_the_team(maya, demo):
    html = maya.get("/review/").text
    team = html[html.index('<section class="card team"'):html.index('<div class="reps">')]
    closed = sum(CLOSED_K[r][-1] for r in EAST) * 1000
    quota = sum(QUOTA_K[r] for r in EAST) * 1000
    open_pipeline = sum(Decimal(amount) for rep, _a, _n, amount, _i, _d, status, *_ in OPPORTUNITIES
                        if rep in EAST and status == "open")
    assert f"USD {closed:,}" in team and f"of USD {quota:,} quota" in team
    assert f"{round(closed / quota * 100)}%" in team
    cover = round(float(open_pipeline) / (quota - closed), 1)
    assert f"{cover:g}×" in team
    assert f"USD {open_pipeline:,.0f} open ÷ USD {quota - closed:,} left to quota" in team
    since = datetime.combine(month_start(utcnow().date()), datetime.min.time(), tzinfo=ZoneInfo("UTC"))
    confirmed = [s for s in demo.scalars(select(CoachingSession)) if s.confirmed_at >= since]
    assert re.search(rf"Sessions this month</h3>\s*<p class=\"big\">{len(confirmed)}</p>", team)


def test_charts_have_axes_labels_and_values(maya):
    html = maya.get("/review/").text
    charts = re.findall(r'<svg class="chart.*?</svg>', html, re.S)
    assert len(charts) == 3 + 3  # three team charts, one per rep
    closed = next(c for c in charts if 'aria-label="Closed value by month, all reps shown' in c)
    assert 'role="img"' in closed and "<title>Closed value by month, all reps shown" in closed
    months = [month_start(utcnow().date(), back).strftime("%b") for back in range(6, 0, -1)]
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', closed)
    assert ticks[:3] == ["0", "75k", "150k"]  # the y axis: zero, half, top (145k rounded up)
    assert ticks[3:] == months  # the x axis: a label under every bar
    totals = [sum(CLOSED_K[r][i] or 0 for r in EAST) for i in range(6)]
    assert re.findall(r'<text class="value"[^>]*>([^<]+)</text>', closed) == [f"{t}k" for t in totals]
    assert closed.count('class="mark"') == 6  # the quota of each month
    assert f"{months[-1]}: 124k (quota 145k)" in closed  # the <desc> screen readers get
    weeks = next(c for c in charts if "Confirmed coaching sessions per week" in c)
    assert len(re.findall(r'<text class="value"', weeks)) == 8


def test_dashboard_json_twin_says_the_same(web, demo, tmp_path):
    tokens = {r["email"]: r["token"] for r in json.loads((tmp_path / "demo-tokens.json").read_text())}
    body = web.test_client().get("/api/v1/review/dashboard", headers={
        "Authorization": f"Bearer {tokens['maya@demo.salescoach.test']}"}).json
    assert [r["rep"]["name"] for r in body["reps"]] == ["Sam Slipping", "Riley Rising", "Nia New"]
    sam = body["reps"][0]["need"]
    assert [s["kind"] for s in sam["signals"]] == ["help_asked", "overdue_commitment",
                                                   "stalled_opportunity", "kpi_drop", "no_coaching"]
    assert sam["score"] == 3 + 2 + 2 + 2 + 1
    assert sam["reason"].startswith("Asked for your help 14 days ago · ")
    team = body["team"]
    assert team["month"]["closed_value"] == "124000.00" and team["month"]["quota"] == "145000.00"
    assert team["open_pipeline"] == "494500.00" and team["pipeline_cover"] == 23.5
    assert team["attainment_pct"] == 86 and body["time_zone"] == "UTC"
    assert len(team["charts"]["sessions_by_week"]) == 8
    assert [m["rate"] for m in team["charts"]["completion_by_month"]][-1] is not None


@pytest.fixture
def world(session, orgs):
    org = orgs["one"]
    with_passwords(session, org)
    return org, add_sessions(session, org, 3)


@pytest.fixture
def manager(web, world):
    client = web.test_client()
    assert login(client, world[0].users["manager_a"].email, PASSWORD).status_code == 302
    return client


def test_times_are_shown_in_the_organizations_zone(manager, session, world):
    org, sessions = world
    session.get(Organization, org.id).time_zone = "America/New_York"
    session.commit()
    coaching = sessions[0]
    local = coaching.confirmed_at.astimezone(ZoneInfo("America/New_York"))
    shown = f"{local.day} {local:%b %Y, %H:%M %Z}"
    assert local.strftime("%Z") in ("EST", "EDT")
    page = manager.get(f"/review/sessions/{coaching.id}").text
    assert f"confirmed {shown}" in page
    utc = coaching.confirmed_at
    assert f"{utc:%H:%M} UTC" not in page
    markdown = manager.get(f"/review/sessions/{coaching.id}/export?format=md").text
    assert f"- Confirmed: {local:%Y-%m-%d %H:%M %Z}" in markdown


def test_a_week_starts_at_the_organizations_midnight(api, session, orgs):
    """A session confirmed a minute after Monday's midnight in Auckland is Sunday in UTC: it counts
    in the week it was where the organization is."""
    org, zone = orgs["one"], ZoneInfo("Pacific/Auckland")
    session.get(Organization, org.id).time_zone = "Pacific/Auckland"
    today = utcnow().astimezone(zone).date()
    moment = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), tzinfo=zone)
    moment += timedelta(minutes=1)
    if moment > utcnow():
        moment -= timedelta(weeks=1)
    assert moment.astimezone(ZoneInfo("UTC")).weekday() == 6  # Sunday in UTC
    past_session(session, org.id, org.users["rep_a1"].id, mode="weekly_review", status="confirmed",
                 started_at=moment - timedelta(minutes=20), confirmed_at=moment)
    session.commit()
    body = api.get("/api/v1/review/dashboard", org.tokens["manager_a"]).json
    weeks = {w["week_start"]: w["sessions"] for w in body["team"]["charts"]["sessions_by_week"]}
    monday = moment.date()
    assert weeks[monday.isoformat()] == 1
    assert weeks[(monday - timedelta(weeks=1)).isoformat()] == 0
    assert body["time_zone"] == "Pacific/Auckland"


def test_admins_set_the_time_zone_in_settings_page_and_api(web, api, session, world):
    org = world[0]
    admin = web.test_client()
    login(admin, org.admin.email, PASSWORD)
    token = csrf_of(admin.get("/review/settings").text)
    assert admin.post("/review/settings", data={"time_zone": "Europe/Madrid",
                                                "csrf_token": token}).status_code == 302
    assert '<option value="Europe/Madrid" selected>' in admin.get("/review/settings").text
    assert api.get("/api/v1/review/settings", org.tokens["admin"]).json["time_zone"] == "Europe/Madrid"
    changed = api.patch("/api/v1/review/settings", org.tokens["admin"], json={"time_zone": "Asia/Tokyo"})
    assert changed.status_code == 200 and changed.json["time_zone"] == "Asia/Tokyo"
    refused = api.patch("/api/v1/review/settings", org.tokens["admin"], json={"time_zone": "Mars/Olympus"})
    assert refused.status_code == 422 and "time_zone" in refused.json["error"]["fields"]
    assert api.patch("/api/v1/review/settings", org.tokens["manager_a"],
                     json={"time_zone": "UTC"}).status_code == 403
    session.expire_all()
    assert session.get(Organization, org.id).time_zone == "Asia/Tokyo"


def test_kinds_are_words_and_an_unchanged_figure_says_so(maya, demo):
    sam = demo.scalar(select(User).where(User.email == "sam@demo.salescoach.test"))
    coaching = demo.scalar(select(CoachingSession).where(CoachingSession.rep_id == sam.id))
    page = maya.get(f"/review/sessions/{coaching.id}").text
    assert "· Start doing" in page and "· Action" in page and "· create" not in page
    monthly_figures(demo, sam.organization.id, sam.id, utcnow().date(), {0: {
        "closed_value": Decimal(39000), "quota": Decimal(55000), "deals_closed": 2}})
    demo.commit()
    dashboard = maya.get("/review/").text
    assert "± 0%" not in dashboard
    assert re.search(r"Deals won</dt><dd>2 <span[^>]*>no change</span>", dashboard)
