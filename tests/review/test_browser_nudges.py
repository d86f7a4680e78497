"""In a real Chromium: an admin sets a team's Slack webhook, a manager downloads a CSV, a rep
unsubscribes from the link in their email without logging in."""

import csv
import io

import pytest
from sqlalchemy import select

from models import User
from service.nudges.unsubscribe import link
from service.review import csv_export
from tests.browser_fixtures import screenshot

from .test_browser import MAYA, log_in

pytestmark = pytest.mark.browser
SLACK = "https://hooks.slack.com/services/T1/B2/C3"


def test_admin_sets_a_team_chat_on_the_nudges_page(live_server, browser_page, demo):
    page, base = browser_page, live_server.url
    log_in(page, base, "admin@demo.salescoach.test")
    page.get_by_role("link", name="Nudges").click()
    assert page.get_by_role("heading", name="Team chats").is_visible()
    form = page.get_by_role("form", name="Chat webhook of Enterprise East")
    form.get_by_label("URL").fill(SLACK)
    form.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text() == "Team chat saved."
    form = page.get_by_role("form", name="Chat webhook of Enterprise East")
    assert form.get_by_label("URL").input_value() == SLACK
    assert form.get_by_label("Kind").input_value() == "slack"
    assert form.get_by_role("button", name="Remove").is_visible()
    screenshot(page, "review-nudges")


def test_a_manager_downloads_the_filtered_sessions_as_csv(live_server, browser_page, demo):
    page, base = browser_page, live_server.url
    log_in(page, base, MAYA)
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_label("Rep").select_option(label="Riley Rising")
    page.get_by_role("button", name="Filter").click()
    screenshot(page, "review-sessions-csv")
    with page.expect_download() as started:
        page.get_by_role("link", name="Download these as CSV").click()
    download = started.value
    name = download.suggested_filename
    assert name.startswith("sessions-") and name.endswith(".csv")
    with open(download.path(), encoding="utf-8") as saved:
        rows = list(csv.reader(io.StringIO(saved.read())))
    assert rows[0] == list(csv_export.SESSION_COLUMNS)
    assert len(rows) > 1 and {r[2] for r in rows[1:]} == {"Riley Rising"}


def test_a_rep_unsubscribes_from_the_emails_link(live_server, browser_page, demo, app):
    page = browser_page
    rep = demo.scalar(select(User).where(User.email == "riley@demo.salescoach.test"))
    page.goto(link(live_server.url, app.config["SECRET_KEY"], rep))
    assert page.get_by_role("heading", name="Stop reminder emails?").is_visible()
    screenshot(page, "nudges-unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    assert page.get_by_role("heading", name="Reminder emails are off").is_visible()
    demo.expire_all()
    assert demo.get(User, rep.id).nudge_emails is False
