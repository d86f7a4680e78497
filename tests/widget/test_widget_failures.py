"""When the coach fails mid-reply, or the network drops, the rep retries without retyping."""

import json
import re

import pytest
from playwright.sync_api import expect

from service.coach.errors import EngineUnavailable
from tests.browser_fixtures import screenshot

from .conftest import Partial, coach_messages, open_widget, start_session

pytestmark = pytest.mark.browser


def sent_messages(page):
    """Every body the widget POSTed to .../messages, in order."""
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/messages") else None)
    return bodies


def test_a_model_failure_mid_reply_offers_a_retry_that_works(demo, scripted, browser_page, api):
    page = browser_page
    scripted.enqueue("What would you like to look at first?",
                     Partial("What would ", error=EngineUnavailable("stream dropped")),
                     "What matters most to you about that deal?")
    bodies = sent_messages(page)
    open_widget(page, demo.url + "/demo?rep=nia")
    start_session(page, "Weekly review")
    box = page.get_by_label(re.compile("Your message"))
    box.fill("Let's look at the Alpine Ski House deal.")
    box.press("Enter")

    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_focused()
    expect(page.locator(".failure")).to_contain_text("The coach is busy or unavailable right now.")
    expect(page.locator(".msg.rep .text")).to_have_text(["Let's look at the Alpine Ski House deal."])
    expect(coach_messages(page)).to_have_count(1)  # the half reply is gone
    screenshot(page, "widget-retry")

    retry.click()
    expect(coach_messages(page).last).to_have_text("What matters most to you about that deal?")
    expect(page.locator(".failure")).to_have_count(0)
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the same text and client_message_id

    active = api.get("/sessions?status=active", demo.tokens["nia"]).json["items"][0]
    stored = api.get(f"/sessions/{active['id']}", demo.tokens["nia"]).json["messages"]
    assert [m["role"] for m in stored] == ["coach", "rep", "coach"]


def test_a_dropped_connection_keeps_the_message_for_a_retry(demo, scripted, browser_page):
    page = browser_page
    scripted.enqueue("What would you like to look at first?", "Which part of that matters most?")
    bodies = sent_messages(page)
    open_widget(page, demo.url + "/demo?rep=nia")
    start_session(page, "Weekly review")
    page.route(re.compile(r".*/messages$"), lambda route: route.abort("internetdisconnected"))
    box = page.get_by_label(re.compile("Your message"))
    box.fill("My pipeline is thin this month.")
    box.press("Enter")
    expect(page.locator(".failure")).to_contain_text("can't be reached")
    page.unroute(re.compile(r".*/messages$"))
    page.get_by_role("button", name="Retry").click()
    expect(coach_messages(page).last).to_have_text("Which part of that matters most?")
    expect(page.locator(".msg.rep .text")).to_have_text(["My pipeline is thin this month."])
    assert bodies[0]["client_message_id"] == bodies[-1]["client_message_id"]
