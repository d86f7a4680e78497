"""The record is true in the widget: a pick records, words only propose, the rep checks and
corrects the record in the end view, and can go back, discard, or mark a commitment done
(issue 11, in Chromium). Each test asserts what the rep sees and what is stored."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Commitment

from .conftest import coach_messages, open_widget, say, start_session

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    """A screenshot to look at (the panel as the rep sees it)."""
    page.wait_for_timeout(400)  # the log scrolls smoothly to its end
    page.screenshot(path=f"/tmp/widget-{name}.png")


def due_commitments(session, rep_id: int) -> list[Commitment]:
    session.expire_all()
    return list(session.scalars(select(Commitment).where(
        Commitment.rep_id == rep_id, Commitment.status == "open", Commitment.confirmed.is_(True))
        .order_by(Commitment.due_date, Commitment.id)))


def picked(page, label: str):
    """Click a quick reply and wait for the coach's reply to it."""
    before = coach_messages(page).count()
    page.get_by_role("group", name=re.compile(".")).get_by_role("button", name=label).click()
    coach_messages(page).nth(before).wait_for()
    page.locator(".msg.coach.streaming").wait_for(state="detached")


def test_picking_done_on_a_follow_up_records_it_at_once(demo, browser_page, session):
    page = browser_page
    first, second = due_commitments(session, demo.reps["riley"])[:2]
    open_widget(page, demo.url + "/demo?rep=riley")
    start_session(page, "Weekly review")
    replies = page.get_by_role("group", name="How did it go?")
    expect(replies.get_by_role("button")).to_have_text(["Done", "Partly", "Not yet", "Drop it"])
    shot(page, "quick-replies")
    replies.get_by_role("button", name="Done").click()
    expect(page.locator(".msg.rep .text")).to_have_text(["Done"])
    coach_messages(page).nth(1).wait_for()
    # the next due commitment comes with its own buttons; the first set is gone
    expect(page.get_by_role("group", name="How did it go?")).to_have_count(1)
    page.get_by_label(re.compile("Your message")).fill("Two of ten calls made, the rest next week.")
    picked(page, "Partly")
    expect(page.locator(".msg.rep").nth(1)).to_contain_text("Partly")
    expect(page.locator(".msg.rep .text").nth(1)).to_have_text(
        "Two of ten calls made, the rest next week.")
    expect(page.get_by_role("group", name="How did it go?")).to_have_count(0)
    say(page, "Free text still works after the buttons.")
    shot(page, "quick-replies-answered")

    session.expire_all()
    rows = {c.id: c for c in session.scalars(select(Commitment).where(
        Commitment.id.in_([first.id, second.id])))}
    assert (rows[first.id].follow_up, rows[first.id].status) == ("done", "done")
    assert (rows[second.id].follow_up, rows[second.id].status) == ("partly", "open")
    assert rows[second.id].outcome_note == "Two of ten calls made, the rest next week."
