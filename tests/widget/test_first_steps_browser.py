"""On a phone the demo CRM stays readable beside the Coach button; the end view opens at the top."""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import screenshot

from .conftest import end_session, open_widget, say, start_session
from .test_widget_session import ANSWERS

pytestmark = pytest.mark.browser


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_coach_button_covers_no_deal_on_a_375px_phone(demo, new_context):
    page = new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True).new_page()
    page.goto(demo.url + "/demo?rep=sam")
    button = page.get_by_role("button", name="Open Coach")
    expect(button).to_be_visible()
    amounts = page.locator("table tbody td.amount")
    expect(amounts).to_have_count(3)
    for scrolled in (False, True):  # as the page opens, and scrolled to its end
        if scrolled:
            page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        for cell in amounts.all():
            assert not overlaps(cell.bounding_box(), button.bounding_box()), cell.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot(page, "demo-375")))  # the viewport, as the rep sees it
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_end_view_opens_at_the_top_of_the_summary(demo, new_context):
    page = new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(15_000)
    open_widget(page, demo.url + "/demo?rep=riley")
    start_session(page, "Weekly review")
    for answer in ANSWERS[:6]:
        say(page, answer)
    end_session(page)
    summary = page.get_by_label("Summary")
    expect(summary).not_to_have_value("")
    assert page.locator("form.review").evaluate("f => f.scrollTop") == 0
    assert summary.evaluate("t => t.scrollTop") == 0
    expect(page.get_by_role("heading", name="Your summary")).to_be_in_viewport()
    screenshot(page, "widget-375-end-view")
