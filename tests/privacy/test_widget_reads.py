"""The rep's widget shows who read their sessions: a manager's read on the review pages appears
in Chromium under "Who read my sessions"; the words exist in English and Spanish."""

import re
import tomllib

import pytest
from playwright.sync_api import expect

from service.widget import LANG, widget_texts
from tests.browser_fixtures import screenshot
from tests.review.test_browser import MAYA, log_in
from tests.widget.conftest import demo, no_script_errors  # noqa: F401 - fixtures


def test_every_widget_word_is_in_english_and_spanish():
    en, es = (tomllib.loads((LANG / f"{c}.toml").read_text("utf-8")) for c in ("en", "es"))
    assert {t: set(v) for t, v in en.items()} == {t: set(v) for t, v in es.items()}
    assert widget_texts()["es"]["title"] == "Quién leyó mis sesiones"


@pytest.mark.browser
def test_a_managers_read_shows_in_the_reps_widget(demo, browser_page, new_context, api):  # noqa: F811
    sessions = api.get("/sessions?status=confirmed&per_page=1", demo.tokens["riley"]).json["items"]
    session_id = sessions[0]["id"]
    manager = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(manager, demo.url, MAYA)
    manager.goto(f"{demo.url}/review/sessions/{session_id}")
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Riley Rising")

    page = browser_page
    page.goto(demo.url + "/demo?rep=riley")
    page.get_by_role("button", name="Open Coach").click()
    expect(page.get_by_role("button", name="Start session")).to_be_visible()  # loaded
    page.get_by_role("button", name="My commitments").click()
    page.get_by_role("button", name="Who read my sessions").click()
    dialog = page.get_by_role("dialog", name="Coach")
    expect(dialog.get_by_role("heading", name="Who read my sessions")).to_be_visible()
    item = dialog.locator(".reads .open-item").first
    expect(item).to_contain_text("Maya Manager (manager)")
    expect(item).to_contain_text("opened the transcript")
    expect(item).to_contain_text(re.compile(r"Session of \w+ \d+, \d{4}"))
    screenshot(page, "widget-who-read")


@pytest.mark.browser
def test_an_admin_reads_the_audit_and_erases_a_user_in_chromium(demo, browser_page, api):  # noqa: F811
    page = browser_page
    log_in(page, demo.url, "admin@demo.salescoach.test")
    riley = api.get("/sessions?status=confirmed&per_page=1", demo.tokens["riley"]).json["items"][0]
    page.goto(f"{demo.url}/review/sessions/{riley['id']}")
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    page.get_by_label("Keep transcripts for (days; empty keeps them)").fill("90")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.get_by_role("status")).to_contain_text("Privacy settings saved")
    screenshot(page, "admin-privacy")
    erase = page.get_by_role("form", name="Erase…")
    erase.get_by_label("User").select_option(label="Nia New (rep, nia@demo.salescoach.test)")
    erase.get_by_role("button", name="Erase…").click()
    expect(page.get_by_role("heading", name="Erase Nia New?")).to_be_visible()
    page.get_by_label(re.compile("Type their email address")).fill("nia@demo.salescoach.test")
    screenshot(page, "admin-privacy-erase-confirm")
    page.get_by_role("button", name="Erase Nia New").click()
    expect(page.get_by_role("status")).to_contain_text("The user was erased")
    expect(page.get_by_role("row", name=re.compile("erasure"))).to_be_visible()
    page.get_by_role("link", name="Read audit").click()
    expect(page.get_by_role("heading", name="Read audit")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Ada Admin admin Riley Rising"))
    expect(row).to_contain_text("transcript")
    screenshot(page, "admin-read-audit")
