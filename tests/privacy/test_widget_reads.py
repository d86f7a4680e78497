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
