"""The triaging dashboard in a real Chromium: the order of need, the team roll-up, the charts."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import ARTIFACTS, screenshot

from .test_browser import MAYA, log_in

pytestmark = pytest.mark.browser


def test_the_dashboard_puts_the_rep_who_needs_a_question_first(live_server, browser_page, demo):
    page = browser_page
    log_in(page, live_server.url, MAYA)
    cards = page.locator("article.rep")
    expect(cards).to_have_count(3)
    assert [cards.nth(i).locator("h2").inner_text() for i in range(3)] == [
        "Sam Slipping", "Riley Rising", "Nia New"]
    sam = cards.first.locator("p.need")
    expect(sam).to_contain_text("Contoso global rollout 31 days in Negotiation (benchmark 14)")
    expect(sam).to_contain_text("1 overdue commitment")
    expect(cards.nth(2).locator("p.need")).to_have_text("Why here: No coaching session yet")

    team = page.get_by_role("region", name="Roll-up")
    expect(team).to_contain_text("USD 124,000")
    expect(team).to_contain_text("23.5×")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(6)
    closed = page.get_by_role("img", name=re.compile("^Closed value by month, all reps shown"))
    expect(closed.locator("text.value")).to_have_count(6)
    assert closed.locator("text.value").last.text_content() == "124k"
    for chart in charts.all():  # each drawn inside its box, axes and labels visible
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 90
        assert chart.locator("line.axis").count() == 2 and chart.locator("text.tick").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "review-dashboard-triage")
    page.locator("section.team").screenshot(path=str(ARTIFACTS / "review-dashboard-team.png"))


def test_the_dashboard_reads_on_a_narrow_laptop_and_a_phone(live_server, new_context, demo):
    for width, height in ((1024, 768), (375, 740)):
        page = new_context(viewport={"width": width, "height": height}).new_page()
        log_in(page, live_server.url, MAYA)
        expect(page.locator("article.rep").first.locator("h2")).to_have_text("Sam Slipping")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"review-dashboard-triage-{width}")
