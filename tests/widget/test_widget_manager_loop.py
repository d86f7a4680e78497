"""The manager's actions reach the rep: a status set with a note and an assigned session, made
on the review pages in Chromium, read and started in the rep's widget on the /demo page."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import screenshot
from tests.review.test_browser import MAYA, log_in

pytestmark = pytest.mark.browser
NOTE = "We went through your call list in our 1:1: ten calls made."
ASK = "Debrief the Litware procurement call"


def test_a_status_note_and_an_assignment_reach_the_reps_widget(demo, browser_page, new_context, api):
    manager = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(manager, demo.url, MAYA)
    manager.get_by_role("link", name="Commitments").click()
    form = manager.get_by_role("form", name="Update: Prospect ten new accounts in Boston")
    form.get_by_label("Status").select_option("done")
    form.get_by_label("Note for the rep").fill(NOTE)
    form.get_by_role("button", name="Update").click()
    expect(manager.get_by_role("status")).to_contain_text("Status saved")
    screenshot(manager, "manager-commitment-status")
    manager.get_by_role("row", name=re.compile("Agree the Litware signature date")).get_by_role(
        "link", name="Open").click()
    done = manager.locator(".commitments li", has_text="Prospect ten new accounts in Boston")
    expect(done).to_contain_text("Marked done by Maya Manager")
    expect(done.locator(".badge")).to_have_text("done")
    screenshot(manager, "manager-session-commitments")

    manager.get_by_role("link", name="Team").click()
    card = manager.locator("article.rep", has=manager.get_by_role("heading", name="Riley Rising"))
    card.get_by_role("link", name=re.compile("Assign & results")).click()
    expect(manager.get_by_role("heading", name="Coaching and results")).to_be_visible()
    expect(manager.get_by_text(re.compile("association, not a cause"))).to_be_visible()
    manager.get_by_label("Mode").select_option(label="Call debrief (needs a deal)")
    manager.get_by_label("Deal or account").select_option(label="Litware analytics pilot")
    due = date.today() + timedelta(days=1)
    manager.get_by_label("Due date").fill(due.isoformat())
    manager.get_by_label("Note for Riley Rising").fill(ASK)
    manager.get_by_role("button", name="Assign session").click()
    expect(manager.get_by_role("status")).to_contain_text("Assigned.")
    expect(manager.locator(".assignments li", has_text=ASK)).to_contain_text("Call debrief")
    screenshot(manager, "manager-rep-page")
    manager.get_by_role("link", name="Results").click()
    expect(manager.get_by_role("row", name=re.compile("Riley Rising"))).to_be_visible()
    expect(manager.get_by_text(re.compile("association, not cause"))).to_be_visible()
    screenshot(manager, "manager-results")

    page = browser_page
    page.goto(demo.url + "/demo?rep=riley")
    page.get_by_role("button", name="Open Coach").click()
    asked = page.locator(".assigned-item", has_text=ASK)
    expect(asked).to_contain_text("Maya Manager asked: " + ASK + " by ")
    expect(asked).to_contain_text("Call debrief · Litware analytics pilot")
    screenshot(page, "widget-assignment")

    page.get_by_role("button", name="My commitments").click()
    changed = page.locator(".open-item", has_text="Prospect ten new accounts in Boston")
    expect(changed).to_contain_text("Marked done by Maya Manager")
    expect(changed).to_contain_text(NOTE)
    screenshot(page, "widget-status-note")

    page.get_by_role("button", name="← Back").click()
    with page.expect_response(re.compile(r"/api/v1/sessions$")) as started:
        page.get_by_role("button", name="Start: " + ASK).click()
    page.locator(".msg.coach").first.wait_for()
    expect(page.get_by_role("dialog", name="Coach").locator(".subtitle")).to_have_text("Call debrief")
    body = started.value.json()
    assert body["mode"] == "call_debrief" and body["opportunity_id"] is not None
    screenshot(page, "widget-assignment-started")
    mine = api.get("/assignments", demo.tokens["riley"]).json["items"]
    assert [(a["note"], a["status"], a["session_id"]) for a in mine] == [(ASK, "started", body["id"])]


def test_the_assignment_reads_on_a_phone(demo, new_context, api):
    rep = demo.reps["sam"]
    made = api.post("/assignments", demo.tokens["maya"], json={
        "rep_id": rep, "mode": "weekly_review", "note": "Look back on November before our 1:1",
        "due_date": (date.today() - timedelta(days=1)).isoformat()})
    assert made.status_code == 201, made.text
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    phone.goto(demo.url + "/demo?rep=sam")
    phone.get_by_role("button", name="Open Coach").click()
    asked = phone.locator(".assigned-item.overdue", has_text="Look back on November")
    expect(asked).to_contain_text("Weekly review · overdue")
    expect(asked.get_by_role("button", name=re.compile("^Start: Look back"))).to_be_focused()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "widget-assignment-phone")
