"""The pages work under their Content-Security-Policy in a real Chromium: /demo with the widget,
a customer's page with the strict policy the README recommends, and the review pages. A blocked
script or style shows up as a console message naming the policy; none may appear."""

import json
import re

import pytest
from flask import Flask, Response
from playwright.sync_api import expect

from service.demo import PASSWORD
from tests.browser_fixtures import LiveServer, screenshot

from .conftest import open_widget, start_session

pytestmark = pytest.mark.browser
WIDGET_BLUE = "rgb(11, 92, 173)"  # #0b5cad, the accent the pages boot the widget with


def watch_csp(page) -> list[str]:
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    return blocked


def test_the_demo_page_and_its_widget_work_under_the_demo_policy(demo, browser_page):
    page = browser_page
    blocked = watch_csp(page)
    dialog = open_widget(page, demo.url + "/demo?rep=riley")
    expect(dialog.locator(".header")).to_have_css("background-color", WIDGET_BLUE)
    start_session(page)
    expect(page.locator(".top")).to_have_css("background-color", "rgb(31, 42, 68)")  # demo.css
    page.get_by_label("Signed in as").select_option(label="Sam Slipping")  # demo.js, not onchange=
    expect(page.get_by_role("heading", name="Sam Slipping's pipeline")).to_be_visible()
    screenshot(page, "demo-under-csp")
    assert blocked == []


CUSTOMER_PAGE = """<!doctype html><html><head><title>Customer</title></head><body><h1>Customer</h1>
<script nonce="n0nce" src="{base}/widget.js"></script>
<script nonce="n0nce">SalesCoach.boot({{token: {token}, apiBase: "{base}", color: "#0b5cad"}});</script>
</body></html>"""


def test_a_customer_page_with_a_strict_policy_runs_the_widget(api, demo, browser_page):
    """The policy the README gives customers: our origin for script and connect, no
    'unsafe-inline' for styles (the widget uses a constructed style sheet)."""
    customer = Flask("customer")
    pages = {}
    customer.add_url_rule("/", "page", lambda: pages["page"])
    with LiveServer(customer, host="localhost") as server:
        origins = api.get("/api/v1/widget/origins", demo.tokens["admin"]).json["origins"]
        api.put("/api/v1/widget/origins", demo.tokens["admin"], json={"origins": [*origins, server.url]})
        token = api.post("/api/v1/widget/tokens", demo.tokens["admin"], json={
            "user_id": demo.reps["theo"], "origin": server.url}).json["token"]
        pages["page"] = Response(CUSTOMER_PAGE.format(base=demo.url, token=json.dumps(token)),
                                 mimetype="text/html", headers={"Content-Security-Policy": (
                                     f"default-src 'none'; script-src 'nonce-n0nce' {demo.url}; "
                                     f"connect-src {demo.url}; style-src 'self'")})
        page = browser_page
        blocked = watch_csp(page)
        dialog = open_widget(page, server.url + "/")
        expect(page.get_by_text("What would you like to work on?")).to_be_visible()
        expect(dialog.locator(".header")).to_have_css("background-color", WIDGET_BLUE)
        screenshot(page, "widget-customer-strict-csp")
    assert blocked == []


def test_the_review_pages_work_under_their_policy(demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    blocked = watch_csp(page)
    page.goto(base + "/review/")
    page.get_by_label("Email").fill("maya@demo.salescoach.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Team dashboard")).to_be_visible()
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(20, 33, 61)")  # review.css
    screenshot(page, "review-dashboard-under-csp")
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.locator("table.list tbody tr a").first.click()
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    page.get_by_role("button", name=re.compile("Mark reviewed")).click()
    expect(page.locator(".reviewed-note")).to_be_visible()  # a form post under form-action 'self'
    screenshot(page, "review-session-under-csp")
    assert blocked == []
