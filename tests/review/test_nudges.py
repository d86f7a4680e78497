"""Nudges: reminders and digests reach a real SMTP server, Slack and Teams, once each, retried."""

import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import responses
from sqlalchemy import select

from models import NudgeDelivery, utcnow
from service import nudges, webhooks
from service.review.asknow import question
from service.world import past_session

from . import smtp_server
from .conftest import csrf_of, login
from .seed import add_sessions, with_passwords

DAY = date(2026, 12, 7)  # a Monday: the digests' weekday by default
PUBLIC = "https://coach.example.test"
COACH = "https://crm.example.test/coach"
SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"
TEAMS = "https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke"


@pytest.fixture
def mailbox(app):
    box = smtp_server.Mailbox()
    controller = smtp_server.start(box)
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="Coach <coach@example.test>",
                      PUBLIC_URL=PUBLIC, NUDGE_COACH_URL=COACH)
    yield box
    controller.stop()


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def seeded(session, orgs):
    """rep_a1: due tomorrow, overdue, later, done and a draft; a confirmed session this week and one
    the week before; rep_b1 (team B): one session this week."""
    org = orgs["one"]
    rep, other = org.users["rep_a1"], org.users["rep_b1"]
    this_week = past_session(session, org.id, rep.id, mode="opportunity", status="confirmed",
                             started_at=at(DAY - timedelta(days=2)),
                             confirmed_at=at(DAY - timedelta(days=2), 11),
                             summary="Talked Contoso.", help_asked="How do I reach their CFO?",
                             commitments=[
        {"text": "Send the proposal to Contoso", "measure": "sent", "due_date": DAY + timedelta(days=1)},
        {"text": "Call the champion back", "due_date": DAY - timedelta(days=3)},
        {"text": "Book the QBR", "due_date": DAY + timedelta(days=5)},
        {"text": "Already done thing", "due_date": DAY + timedelta(days=1), "status": "done"}])
    past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                 started_at=at(DAY - timedelta(days=10)), confirmed_at=at(DAY - timedelta(days=10)))
    past_session(session, org.id, rep.id, mode="weekly_review", status="ended",
                 started_at=at(DAY - timedelta(days=1)),
                 commitments=[{"text": "A draft never confirmed", "due_date": DAY + timedelta(days=1)}])
    team_b = past_session(session, org.id, other.id, mode="weekly_review", status="confirmed",
                          started_at=at(DAY - timedelta(days=1)), confirmed_at=at(DAY - timedelta(days=1)))
    session.commit()
    org.sessions = {"this_week": this_week, "team_b": team_b}
    return org


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["nudges", "run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def body(msg) -> str:
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_rep_gets_what_is_due_tomorrow_and_overdue_and_one_click_stops_it(app, web, session, seeded,
                                                                           mailbox):
    run(app, "--date", DAY.isoformat(), "--no-digest")
    rep = seeded.users["rep_a1"]
    [msg] = mailbox.to(rep.email)
    assert msg["Subject"] == "Your commitments: 1 due tomorrow, 1 overdue"
    assert msg["From"] == "Coach <coach@example.test>"
    text = body(msg)
    assert text.startswith("Hi One,\n")  # the rep's first name ("One rep_a1")
    assert "Due tomorrow, Tuesday 8 December:\n- Send the proposal to Contoso (measure: sent)\n" in text
    assert "Overdue:\n- Call the champion back, due 4 December\n" in text
    for absent in ("Book the QBR", "Already done thing", "A draft never confirmed"):
        assert absent not in text
    assert f"Follow them up with your coach: {COACH}" in text
    unsubscribe = text.split("Stop these reminders (one click): ")[1].strip()
    assert unsubscribe.startswith(f"{PUBLIC}/unsubscribe/")
    assert msg["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mailbox.to(seeded.users["rep_a2"].email) == []  # nothing due: no email

    browser = web.test_client()  # no login
    asked = browser.get(urlsplit(unsubscribe).path)
    assert asked.status_code == 200 and "Stop reminder emails?" in asked.text
    done = browser.post(urlsplit(unsubscribe).path)
    assert done.status_code == 200 and "Reminder emails are off" in done.text
    assert rep.email in done.text
    session.refresh(rep)
    assert rep.nudge_emails is False

    run(app, "--date", (DAY + timedelta(days=1)).isoformat(), "--no-digest")  # still overdue
    assert len(mailbox.to(rep.email)) == 1


def test_a_forged_or_stale_unsubscribe_link_changes_nothing(web, session, seeded):
    rep = seeded.users["rep_a1"]
    token = nudges.unsubscribe.token_for("test-key", rep)
    browser = web.test_client()
    assert browser.post(f"/unsubscribe/{token[:-2]}xx").status_code == 404
    forged = nudges.unsubscribe.token_for("another-key", rep)
    assert "This link does not work" in browser.post(f"/unsubscribe/{forged}").text
    rep.email = "renamed@one.test"
    session.commit()
    assert browser.post(f"/unsubscribe/{token}").status_code == 404
    session.refresh(rep)
    assert rep.nudge_emails is True


def test_running_twice_sends_once(app, session, seeded, mailbox):
    run(app, "--date", DAY.isoformat())
    run(app, "--date", DAY.isoformat())
    assert len(mailbox.to(seeded.users["rep_a1"].email)) == 1
    assert len(mailbox.to(seeded.users["manager_a"].email)) == 1
    keys = session.scalars(select(NudgeDelivery.key).order_by(NudgeDelivery.key)).all()
    rep, a, b = (seeded.users[name] for name in ("rep_a1", "manager_a", "manager_b"))
    assert keys == [f"manager_digest:{a.id}:2026-12-07", f"manager_digest:{b.id}:2026-12-07",
                    f"rep_due:{rep.id}:2026-12-07"]


def test_the_managers_weekly_digest_says_what_happened_in_their_team(app, session, seeded, mailbox):
    output = run(app, "--date", DAY.isoformat())
    assert "manager_digest" in output
    manager = seeded.users["manager_a"]
    [msg] = mailbox.to(manager.email)
    assert msg["Subject"] == "The week in Team A: 1 session confirmed, 1 commitment overdue"
    text = body(msg)
    assert "The week in Team A, 30 November to 7 December 2026." in text
    session_id = seeded.sessions["this_week"].id
    assert (f"Confirmed sessions (1)\n- 5 December, One rep_a1: opportunity (asked for help): "
            f"{PUBLIC}/review/sessions/{session_id}\n") in text
    assert "Overdue commitments (1)\n- One rep_a1: Call the champion back (due 4 December)\n" in text
    asked = question("overdue_commitment", commitment="Call the champion back", due="4 December")
    assert f"- One rep_a1, Overdue: Call the champion back: {asked}" in text
    helped = question("help_asked", help="How do I reach their CFO?")
    assert f"- One rep_a1, Asked for your help: {helped}" in text
    assert f"Ask now: {PUBLIC}/review/ask-now" in text
    assert "rep_b1" not in text  # another team's rep
    assert f"{PUBLIC}/unsubscribe/" in text
    # Team B's manager: one session of rep_b1 this week, nothing overdue.
    [other] = mailbox.to(seeded.users["manager_b"].email)
    assert other["Subject"] == "The week in Team B: 1 session confirmed, 0 commitments overdue"


def test_no_digest_on_other_weekdays_unless_asked(app, seeded, mailbox):
    run(app, "--date", (DAY + timedelta(days=2)).isoformat())
    assert mailbox.to(seeded.users["manager_a"].email) == []
    run(app, "--date", (DAY + timedelta(days=2)).isoformat(), "--digest")
    assert len(mailbox.to(seeded.users["manager_a"].email)) == 1


def set_chat(api, org, team, **data):
    return api.put(f"/api/v1/review/team-chats/{org.teams[team].id}", org.tokens["admin"], json=data)


@responses.activate
def test_team_digests_go_to_slack_and_teams_in_their_own_format(api, app, seeded, mailbox):
    assert set_chat(api, seeded, "A", url=SLACK).json["kind"] == "slack"
    assert set_chat(api, seeded, "B", url=TEAMS).json["kind"] == "teams"
    responses.add(responses.POST, SLACK, status=200)
    responses.add(responses.POST, TEAMS, status=202)
    output = run(app, "--date", DAY.isoformat())
    assert "team_digest" in output
    sent = {call.request.url: json.loads(call.request.body) for call in responses.calls}

    slack = sent[SLACK]
    assert slack["text"] == ("The week in Team A: 1 session confirmed, 1 commitment overdue "
                             "(30 November to 7 December 2026)")
    assert slack["blocks"][0] == {"type": "header",
                                  "text": {"type": "plain_text", "text": "The week in Team A"}}
    sections = [b["text"]["text"] for b in slack["blocks"] if b["type"] == "section"]
    session_id = seeded.sessions["this_week"].id
    assert sections[0].startswith(f"*Confirmed sessions (1)*\n• <{PUBLIC}/review/sessions/{session_id}|"
                                  "5 December, One rep_a1: opportunity (asked for help)>")
    assert "• One rep_a1: Call the champion back (due 4 December)" in sections[1]
    assert sections[2].endswith(f"<{PUBLIC}/review/ask-now|Ask now>")

    teams = sent[TEAMS]
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["body"][0]["text"] == "The week in Team B"
    texts = [b["text"] for b in card["body"]]
    assert "Confirmed sessions (1)" in texts and "Overdue commitments (0)" in texts
    team_b_session = seeded.sessions["team_b"].id
    assert any(t.endswith(f"({PUBLIC}/review/sessions/{team_b_session})") for t in texts)
    assert not any("rep_a1" in t for t in texts)
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the review",
                                "url": f"{PUBLIC}/review/"}]


@pytest.mark.parametrize(("data", "field"), [
    ({"url": "http://hooks.slack.com/services/x"}, "url"),
    ({"url": "https://10.1.2.3/hook", "kind": "slack"}, "url"),
    ({"url": "https://localhost/hook", "kind": "teams"}, "url"),
    ({"url": "https://chat.example.com/hook"}, "kind"),
])
def test_chat_webhooks_must_be_public_https_slack_or_teams(api, orgs, data, field):
    refused = set_chat(api, orgs["one"], "A", **data)
    assert refused.status_code == 422 and field in refused.json["error"]["fields"]


def test_only_admins_set_chat_webhooks_and_see_nudges(api, orgs):
    org = orgs["one"]
    manager = org.tokens["manager_a"]
    assert set_chat(api, org, "A", url=SLACK).status_code == 200  # the admin may
    assert api.put(f"/api/v1/review/team-chats/{org.teams['A'].id}", manager,
                   json={"url": SLACK}).status_code == 403
    assert api.get("/api/v1/review/nudge-deliveries", manager).status_code == 403
    other_org_team = orgs["two"].teams["A"].id
    assert api.put(f"/api/v1/review/team-chats/{other_org_team}", org.tokens["admin"],
                   json={"url": SLACK}).status_code == 404
    listed = api.get("/api/v1/review/team-chats", org.tokens["admin"]).json
    assert [c["team"] for c in listed] == ["Team A", "Team B"]


def test_an_smtp_failure_is_retried_with_backoff_and_shown_to_admins(app, api, web, session, seeded, mailbox):
    mailbox.refuse = "451 4.3.0 Try again later"
    run(app, "--date", DAY.isoformat(), "--no-digest")
    row = session.scalar(select(NudgeDelivery).where(NudgeDelivery.kind == "rep_due"))
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "smtp_451")
    assert timedelta(seconds=20) < row.next_attempt_at - utcnow() <= timedelta(seconds=30)
    assert mailbox.messages == []
    assert nudges.deliver_due(session) == {}  # not due yet

    listed = api.get("/api/v1/review/nudge-deliveries?status=pending", seeded.tokens["admin"]).json["items"]
    assert [(d["kind"], d["last_error"], d["attempts"]) for d in listed] == [("rep_due", "smtp_451", 1)]
    with_passwords(session, seeded)
    browser = web.test_client()
    assert login(browser, seeded.admin.email, "review-password-1").status_code == 302
    page = browser.get("/review/nudges")
    assert "smtp_451" in page.text and "Your commitments: 1 due tomorrow, 1 overdue" in page.text

    mailbox.refuse = ""
    assert nudges.deliver_due(session, now=utcnow() + timedelta(seconds=31)) == {"delivered": 1}
    assert len(mailbox.to(seeded.users["rep_a1"].email)) == 1
    session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, "")


def test_an_unreachable_smtp_server_is_a_connection_error(app, session, seeded, mailbox):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_server.free_port()}"
    run(app, "--date", DAY.isoformat(), "--no-digest")
    row = session.scalar(select(NudgeDelivery))
    assert (row.status, row.last_error) == ("pending", "connection_error")


@responses.activate
def test_a_failing_chat_webhook_backs_off_and_admins_see_it(api, app, session, seeded, mailbox):
    set_chat(api, seeded, "A", url=SLACK)
    responses.add(responses.POST, SLACK, status=500)
    run(app, "--date", DAY.isoformat())
    row = session.scalar(select(NudgeDelivery).where(NudgeDelivery.kind == "team_digest"))
    assert (row.status, row.attempts, row.last_error, row.channel) == ("pending", 1, "http_500", "slack")
    session.expire_all()  # the team as the API left it (a worker round has a session of its own)
    later = utcnow()
    for attempt in range(2, 4):
        later += webhooks.backoff(attempt - 1) + timedelta(seconds=1)
        nudges.deliver_due(session, now=later)
        session.refresh(row)
        assert row.attempts == attempt
    listed = api.get("/api/v1/review/nudge-deliveries?kind=team_digest", seeded.tokens["admin"]).json["items"]
    shown = [(d["status"], d["last_error"], d["recipient"]) for d in listed]
    assert shown == [("pending", "http_500", SLACK)]


def test_turning_nudges_off_in_the_profile_stops_rep_emails(app, api, session, seeded, mailbox):
    token = seeded.tokens["rep_a1"]
    assert api.get("/me", token).json["nudge_emails"] is True
    assert api.patch("/me", token, json={"nudge_emails": False}).json["nudge_emails"] is False
    run(app, "--date", DAY.isoformat(), "--no-digest")
    assert mailbox.messages == []


def test_a_queued_reminder_is_skipped_once_the_rep_opted_out(app, session, seeded, mailbox):
    nudges.enqueue(session, app.config, DAY, digests=False)
    rep = seeded.users["rep_a1"]
    rep.nudge_emails = False
    session.commit()
    assert nudges.deliver_due(session) == {"skipped": 1}
    assert mailbox.messages == []


def test_tomorrow_is_the_reps_own(app, session, seeded, mailbox):
    """At 20:00 UTC it is 09:00 tomorrow in Auckland: an Auckland rep's tomorrow is the day after."""
    rep = seeded.users["rep_a1"]
    rep.time_zone = "Pacific/Auckland"
    session.commit()
    now = at(DAY, 20)
    assert nudges.enqueue(session, app.config, now=now, digests=False) == {"rep_due": 1}
    nudges.deliver_due(session)
    [msg] = mailbox.to(rep.email)
    # Auckland's today is 8 December: the proposal (due the 8th) is due today, so not listed;
    # the champion call is overdue.
    assert msg["Subject"] == "Your commitments: 1 overdue"
    row = session.scalar(select(NudgeDelivery))
    assert row.key == f"rep_due:{rep.id}:2026-12-08"
    # Before NUDGE_HOUR (7) in the rep's zone nothing is queued: 17:00 UTC is 06:00 there.
    rep.time_zone = "Pacific/Auckland"
    assert nudges.enqueue(session, app.config, now=at(DAY + timedelta(days=1), 17), digests=False) == {}


def test_admins_set_a_team_chat_on_the_nudges_page(web, session, orgs):
    org = orgs["one"]
    with_passwords(session, org)
    browser = web.test_client()
    assert login(browser, org.admin.email, "review-password-1").status_code == 302
    page = browser.get("/review/nudges")
    assert "Team chats" in page.text and "No nudges yet." in page.text
    team = org.teams["B"]
    saved = browser.post(f"/review/nudges/teams/{team.id}", data={
        "url": TEAMS, "kind": "", "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 302
    shown = browser.get(saved.headers["Location"])
    assert "Team chat saved." in shown.text and f'value="{TEAMS}"' in shown.text
    session.expire_all()
    assert (team.chat_webhook_url, team.chat_webhook_kind) == (TEAMS, "teams")
    refused = browser.post(f"/review/nudges/teams/{team.id}", data={
        "url": "https://192.168.1.20/hook", "kind": "slack", "csrf_token": csrf_of(shown.text)},
        headers={"Accept": "text/html"})
    assert refused.status_code == 422 and "Check what you entered" in refused.text
    removed = browser.post(f"/review/nudges/teams/{team.id}", data={
        "clear": "1", "csrf_token": csrf_of(shown.text)})
    assert removed.status_code == 302
    session.expire_all()
    assert team.chat_webhook_url is None


def test_the_procfile_worker_queues_hourly_and_sends(app, session, orgs, mailbox):
    """`nudges deliver --loop --schedule`: a round queues what is due (today, real time) and sends it."""
    org = orgs["one"]
    add_sessions(session, org, 3, rep_names=("rep_a1",))  # open commitments due two days ago
    app.config.update(NUDGE_HOUR=0, NUDGE_DIGEST_WEEKDAY=0)  # any hour; no digest day
    round_ = nudges.scheduled(app.config)
    assert round_(session) == {"delivered": 1}
    [msg] = mailbox.to(org.users["rep_a1"].email)
    assert msg["Subject"].startswith("Your commitments:") and "overdue" in msg["Subject"]
    assert round_(session) == {}  # within the hour nothing is queued again, nothing left to send
