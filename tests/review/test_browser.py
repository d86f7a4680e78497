"""A manager reviews their team in a real Chromium: the whole path, and the refusals."""

import re
from pathlib import Path

import pytest

from service.demo import PASSWORD
from tests.browser_fixtures import screenshot

pytestmark = pytest.mark.browser
MAYA, OMAR, SAM = ("maya@demo.salescoach.test", "omar@demo.salescoach.test", "sam@demo.salescoach.test")


def log_in(page, base, email, password=PASSWORD):
    page.goto(base + "/review/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_manager_reviews_a_session_from_dashboard_to_export(live_server, browser_page, demo):
    page, base = browser_page, live_server.url
    page.goto(base + "/review/")
    assert page.get_by_role("heading", name="Log in to review").is_visible()
    screenshot(page, "review-login")

    log_in(page, base, MAYA)
    assert page.get_by_role("heading", name="Team dashboard").is_visible()
    for rep in ("Riley Rising", "Sam Slipping", "Nia New"):
        assert page.get_by_role("heading", name=rep).is_visible()
    assert "Theo Trader" not in page.content()  # Omar's team
    assert page.locator("svg.chart").count() == 3 + 3  # the team's three, one per rep
    screenshot(page, "review-dashboard")

    page.get_by_role("link", name="Ask now").click()
    stalled = page.locator("li.ask", has_text="Contoso global rollout is stalled")
    assert stalled.locator("blockquote").inner_text().endswith("?")
    screenshot(page, "review-ask-now")
    stalled.get_by_role("link", name="Sessions on this deal").click()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "Sam Slipping" in rows.first.inner_text()

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Rep").select_option(label="Riley Rising")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table.list tbody tr").count() == 1
    assert "Riley Rising" in page.locator("table.list tbody").inner_text()
    screenshot(page, "review-sessions")

    page.locator("table.list tbody tr a").first.click()
    assert page.get_by_role("heading", name="Transcript").is_visible()
    assert page.locator(".msg-rep").count() >= 3
    page.get_by_label("Add a note").fill("Ask Riley which pricing option the CFO leaned to.")
    page.get_by_role("button", name="Add note").click()
    assert page.locator(".note", has_text="which pricing option").is_visible()
    page.get_by_role("button", name="Mark reviewed").click()
    assert page.locator(".reviewed-note", has_text="Maya Manager").is_visible()
    screenshot(page, "review-session")

    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown").click()
    download = info.value
    assert re.fullmatch(r"session-\d+\.md", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "# Coaching session" in text and "which pricing option" in text

    page.get_by_role("link", name="Commitments").click()
    assert page.locator("table.list", has_text="Agree the Litware signature date").is_visible()
    screenshot(page, "review-commitments")


def test_second_manager_cannot_open_the_first_teams_pages(live_server, browser_page, new_context, demo):
    page, base = browser_page, live_server.url
    log_in(page, base, MAYA)
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.locator("table.list tbody tr a").first.click()
    maya_session = page.url

    other = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(other, base, OMAR)
    assert other.get_by_role("heading", name="Theo Trader").is_visible()
    assert "Sam Slipping" not in other.content()
    response = other.goto(maya_session)
    assert response.status == 404
    assert other.get_by_role("heading", name="Not found").is_visible()
    screenshot(other, "review-other-team-404")


def test_wrong_password_rep_and_missing_csrf_are_refused(live_server, browser_page, new_context, demo):
    page, base = browser_page, live_server.url
    log_in(page, base, MAYA, "not-the-password")
    alert = page.get_by_role("alert")
    assert "email and password do not match" in alert.inner_text()
    assert page.get_by_role("heading", name="Log in to review").is_visible()
    screenshot(page, "review-login-wrong-password")

    rep = new_context().new_page()
    log_in(rep, base, SAM)
    assert "for managers and admins" in rep.get_by_role("alert").inner_text()

    log_in(page, base, MAYA)
    forged = page.request.post(base + "/review/sessions/1/notes", form={"text": "forged"},
                               headers={"Accept": "text/html"})
    assert forged.status == 400 and "CSRF" in forged.text()
    page.goto(base + "/review/sessions/1")
    assert "forged" not in page.content()


def test_admin_sees_settings_and_webhook_deliveries(live_server, browser_page, demo):
    page, base = browser_page, live_server.url
    log_in(page, base, "admin@demo.salescoach.test")
    page.get_by_label("Team").select_option(label="SMB West")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="Theo Trader").is_visible()
    assert "Sam Slipping" not in page.content()
    screenshot(page, "review-dashboard-admin-team")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("URL").fill("https://hooks.example.test/sales-coach")
    page.get_by_label("Secret").fill("a-long-enough-secret-123")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("status").inner_text() == "Settings saved."
    screenshot(page, "review-settings")
    page.get_by_role("link", name="Webhooks").click()
    assert page.get_by_role("heading", name="Webhook deliveries").is_visible()
    screenshot(page, "review-webhooks")


def test_pages_read_well_on_a_small_laptop(live_server, new_context, demo):
    page = new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, live_server.url, MAYA)
    cards = page.locator("article.rep")
    assert cards.count() == 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024  # nothing runs off the side
    screenshot(page, "review-dashboard-1024")
    page.goto(live_server.url + "/review/sessions")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot(page, "review-sessions-1024")
