"""The record is true in the widget: a pick records, words only propose, the rep checks and
corrects the record in the end view, and can go back, discard, or mark a commitment done
(issue 11, in Chromium). Each test asserts what the rep sees and what is stored."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import CoachingSession, Commitment, Message, SkillAssessment

from .conftest import coach_messages, end_session, open_widget, say, start_session

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


def answer_item(page, text: str):
    return page.locator(".answer").filter(has_text=text)


def test_words_only_are_proposed_checked_and_applied_on_confirm(demo, browser_page, session, api):
    page = browser_page
    first, second = due_commitments(session, demo.reps["riley"])[:2]
    open_widget(page, demo.url + "/demo?rep=riley")
    start_session(page, "Weekly review")
    say(page, "I sent it on Tuesday, they are reviewing it now.")
    say(page, "Sí, la envié el lunes.")
    end_session(page)
    proposed, unclear = answer_item(page, first.text), answer_item(page, second.text)
    expect(proposed.locator(".badge")).to_have_text("Proposed")
    expect(proposed.locator("strong")).to_have_text("Done")
    expect(proposed).to_contain_text("I sent it on Tuesday")
    expect(unclear.locator(".badge")).to_have_text("Pick one")
    expect(unclear.locator("strong")).to_have_text("Not understood")
    shot(page, "end-answers")
    rows = {c.id: c for c in due_commitments(session, demo.reps["riley"])}
    assert rows[first.id].follow_up == "" and rows[second.id].follow_up == ""  # proposals only

    unclear.get_by_role("button", name="Check it").click()
    unclear.get_by_role("group").get_by_role("button", name="Not yet").click()
    expect(unclear.locator(".badge")).to_have_text("You picked")
    expect(unclear.locator("strong")).to_have_text("Not yet")
    expect(page.get_by_label("Summary", exact=True)).to_have_value(
        re.compile("Litware signature date with procurement is not done yet", re.I))  # redrawn
    session.expire_all()
    assert session.get(Commitment, second.id).follow_up == "not_yet"  # a pick records at once
    assert session.get(Commitment, first.id).follow_up == ""
    shot(page, "end-answers-checked")

    page.get_by_role("button", name="Confirm and share").click()
    expect(page.get_by_role("heading", name="Confirmed and shared")).to_be_visible()
    session.expire_all()
    done = session.get(Commitment, first.id)
    assert (done.follow_up, done.status) == ("done", "done")  # the proposal, on confirmation
    assert api.get(f"/commitments/{first.id}", demo.tokens["maya"]).json["status"] == "done"


PLAN = ["My closed value went up because I protected two mornings a week for prospecting.",
        "Asking about the cost of delay earlier made buyers move faster.",
        "Next week I will call the Litware procurement lead on Tuesday to agree the signature "
        "date, and I will know it worked when the date is in the calendar.",
        "I will also send the Fabrikam pricing options to the CFO by Friday, measured by a "
        "meeting booked."]


def ended_with_drafts(page, session, rep_id: int):
    """Riley answers both follow-ups, talks a plan through and ends: the end view, its id."""
    with page.expect_response(re.compile(r"/api/v1/sessions$")) as started:
        start_session(page, "Weekly review")
    picked(page, "Done")
    picked(page, "Not yet")
    for text in PLAN:
        say(page, text)
    end_session(page)
    expect(page.get_by_role("heading", name="Your summary")).to_be_visible()
    return started.value.json()["id"]


def test_a_removed_draft_is_deleted_and_an_added_one_kept(demo, browser_page, session):
    page = browser_page
    open_widget(page, demo.url + "/demo?rep=riley")
    sid = ended_with_drafts(page, session, demo.reps["riley"])
    drafts = session.scalars(select(Commitment).where(Commitment.session_id == sid)).all()
    assert drafts, "the plan gave commitments to draft"
    removed = page.get_by_label("What you'll do").first.input_value()
    summary = page.get_by_label("Summary", exact=True)
    drawn = summary.input_value()
    assert removed[:30].lower() in drawn.lower()  # the draft's summary names it
    with page.expect_response(lambda r: r.request.method == "DELETE"):
        page.get_by_role("button", name="Remove commitment 1").click()
    expect(page.get_by_text(removed, exact=True)).to_be_hidden()
    expect(summary).not_to_have_value(drawn)  # redrawn by the server, shown without a reload
    assert removed[:30].lower() not in summary.input_value().lower()
    session.expire_all()
    texts = session.scalars(select(Commitment.text).where(Commitment.session_id == sid)).all()
    assert removed not in texts and len(texts) == len(drafts) - 1  # deleted, not "dropped"

    page.get_by_role("button", name="Add a commitment").click()
    added = page.get_by_label("What you'll do").last
    added.fill("Book the Fabrikam pricing review with Maya")
    with page.expect_response(re.compile(rf"/sessions/{sid}/commitments$")):
        page.get_by_label("How you'll know").last.fill("review in the calendar")
    shot(page, "end-commitments")
    page.get_by_role("button", name="Confirm and share").click()
    expect(page.get_by_role("heading", name="Confirmed and shared")).to_be_visible()
    session.expire_all()
    kept = {c.text: c for c in session.scalars(select(Commitment).where(Commitment.session_id == sid))}
    assert removed not in kept and len(kept) == len(drafts)
    new = kept["Book the Fabrikam pricing review with Maya"]
    assert new.measure == "review in the calendar" and new.confirmed and new.status == "open"


def test_back_to_chat_reopens_and_the_rep_goes_on(demo, browser_page, session):
    page = browser_page
    open_widget(page, demo.url + "/demo?rep=riley")
    sid = ended_with_drafts(page, session, demo.reps["riley"])
    page.get_by_role("button", name="Back to chat").click()
    box = page.get_by_label(re.compile("Your message"))
    expect(box).to_be_visible()
    session.expire_all()
    row = session.get(CoachingSession, sid)
    assert row.status == "active" and row.summary == ""
    assert session.scalars(select(Commitment).where(Commitment.session_id == sid)).all() == []
    reply = say(page, "One more thing: the Litware legal review starts Monday.")
    assert reply
    session.expire_all()
    assert session.scalars(select(Message.text).where(
        Message.session_id == sid, Message.role == "rep")).all()[-1] == \
        "One more thing: the Litware legal review starts Monday."
    end_session(page)  # and it ends again, with a fresh draft
    expect(page.get_by_role("heading", name="Your summary")).to_be_visible()


def test_discard_deletes_the_session_and_undoes_its_follow_ups(demo, browser_page, session):
    page = browser_page
    first = due_commitments(session, demo.reps["riley"])[0]
    open_widget(page, demo.url + "/demo?rep=riley")
    with page.expect_response(re.compile(r"/api/v1/sessions$")) as started:
        start_session(page, "Weekly review")
    sid = started.value.json()["id"]
    picked(page, "Done")
    session.expire_all()
    assert session.get(Commitment, first.id).status == "done"
    end_session(page)
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_text(re.compile("Discard this session?"))).to_be_visible()
    shot(page, "discard-confirm")
    page.get_by_role("button", name="Keep it").click()  # a second thought keeps it
    expect(page.get_by_role("heading", name="Your summary")).to_be_visible()
    page.get_by_role("button", name="Discard").click()
    page.get_by_role("button", name="Discard session").click()
    expect(page.get_by_text("Session discarded: nothing of it was kept.")).to_be_visible()
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    session.expire_all()
    assert session.get(CoachingSession, sid) is None
    assert session.scalars(select(Message).where(Message.session_id == sid)).all() == []
    again = session.get(Commitment, first.id)
    assert (again.status, again.follow_up, again.followed_up_session_id) == ("open", "", None)


def test_mark_done_in_my_commitments(demo, browser_page, session, api):
    page = browser_page
    sam = demo.reps["sam"]
    contoso = due_commitments(session, sam)[0]
    open_widget(page, demo.url + "/demo?rep=sam")
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    page.get_by_role("button", name="My commitments").click()
    items = page.locator(".open-item")
    expect(items).to_have_count(len(due_commitments(session, sam)))
    item = items.filter(has_text=contoso.text)
    expect(item).to_contain_text("overdue")
    shot(page, "my-commitments")
    with page.expect_response(re.compile(rf"/commitments/{contoso.id}$")):
        item.get_by_role("button", name="Mark done").click()
    expect(item.get_by_role("status")).to_contain_text("Done")
    shot(page, "my-commitments-done")
    session.expire_all()
    stored = session.get(Commitment, contoso.id)
    assert stored.status == "done" and stored.closed_at is not None
    assert api.get(f"/commitments/{contoso.id}", demo.tokens["maya"]).json["status"] == "done"
    item.get_by_role("button", name="Undo").click()
    expect(item.get_by_role("button", name="Mark done")).to_be_visible()
    session.expire_all()
    assert session.get(Commitment, contoso.id).status == "open"
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()


def rep_sessions(session, rep_id: int) -> list[CoachingSession]:
    session.expire_all()
    return list(session.scalars(select(CoachingSession).where(CoachingSession.rep_id == rep_id)
                                .order_by(CoachingSession.id)))


def test_a_session_already_active_is_offered_to_resume(demo, browser_page, session, api):
    page = browser_page
    riley = demo.reps["riley"]
    open_widget(page, demo.url + "/demo?rep=riley")
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    # meanwhile the rep starts one elsewhere (another tab, the terminal)
    elsewhere = api.post("/sessions", demo.tokens["riley"], json={"mode": "weekly_review"}).json
    before = len(rep_sessions(session, riley))
    page.get_by_role("radio", name=re.compile("Weekly review")).check()
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("heading", name="You have a session in progress")).to_be_visible()
    expect(page.get_by_text(elsewhere["messages"][0]["text"])).to_be_visible()
    shot(page, "resume-offer")
    page.get_by_role("button", name="Resume").click()
    expect(coach_messages(page)).to_have_text([elsewhere["messages"][0]["text"]])
    assert len(rep_sessions(session, riley)) == before  # nothing new was started
    picked(page, "Done")
    assert [m.role for m in session.get(CoachingSession, elsewhere["id"]).messages][-2:] == \
        ["rep", "coach"]


def test_a_rep_may_start_a_new_one_beside_the_active_session(demo, browser_page, session, api):
    page = browser_page
    riley = demo.reps["riley"]
    open_widget(page, demo.url + "/demo?rep=riley")
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    elsewhere = api.post("/sessions", demo.tokens["riley"], json={"mode": "weekly_review"}).json
    page.get_by_role("radio", name=re.compile("Skills self-audit")).check()
    page.get_by_role("button", name="Start session").click()
    page.get_by_role("button", name="Start a new one").click()
    expect(page.locator(".subtitle")).to_have_text("Skills self-audit")
    active = [s for s in rep_sessions(session, riley) if s.status == "active"]
    assert [s.mode for s in active] == ["weekly_review", "skills_audit"]
    assert active[0].id == elsewhere["id"]


def fits(page, width: int) -> None:
    """Nothing wider than the screen: neither the page nor anything inside the panel."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate("""() => [...document.querySelector('#salescoach-widget').shadowRoot
        .querySelectorAll('.body *')].filter(n => n.getBoundingClientRect().right > innerWidth + 1)
        .map(n => n.className || n.tagName)""")
    assert wide == []


def test_the_record_views_on_a_375_px_phone(demo, new_context, api):
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    open_widget(page, demo.url + "/demo?rep=riley")
    start_session(page, "Weekly review")
    done = page.get_by_role("group", name="How did it go?").get_by_role("button", name="Done")
    box = done.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 44  # a finger-sized target
    fits(page, 375)
    shot(page, "375-quick-replies")
    say(page, "I sent it on Tuesday, they are reviewing it now.")
    say(page, "Sí, la envié el lunes.")
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Keep talking")).to_be_in_viewport()
    fits(page, 375)
    shot(page, "375-end-confirm")
    page.get_by_role("button", name="End now").click()
    expect(page.locator(".answer")).to_have_count(2)
    fits(page, 375)
    shot(page, "375-end-view")
    page.locator(".answer").nth(1).get_by_role("button", name="Check it").click()
    fits(page, 375)
    shot(page, "375-check-it")
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_role("button", name="Discard session")).to_be_in_viewport()
    fits(page, 375)
    shot(page, "375-discard-confirm")
    page.get_by_role("button", name="Keep it").click()
    page.get_by_role("button", name="My commitments").click()
    expect(page.locator(".open-item").first).to_be_visible()
    fits(page, 375)
    shot(page, "375-my-commitments")
    page.get_by_role("button", name="Back").click()  # back to the session, still ended
    expect(page.get_by_role("heading", name="Your summary")).to_be_visible()
    page.get_by_role("button", name="Discard").click()
    page.get_by_role("button", name="Discard session").click()
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    api.post("/sessions", demo.tokens["riley"], json={"mode": "weekly_review"})
    page.get_by_role("radio", name=re.compile("Weekly review")).check()
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("button", name="Start a new one")).to_be_in_viewport()
    fits(page, 375)
    shot(page, "375-resume-offer")


def test_a_rating_picked_is_stored_for_the_skill_asked_on_confirmation(demo, browser_page, session):
    page = browser_page
    sam = demo.reps["sam"]
    open_widget(page, demo.url + "/demo?rep=sam")
    with page.expect_response(re.compile(r"/api/v1/sessions$")) as started:
        start_session(page, "Skills self-audit")
    sid = started.value.json()["id"]
    picked(page, "Done")  # Sam's overdue commitment comes first
    say(page, "I want to know where to focus this quarter.")
    rating = page.get_by_role("group", name=re.compile("Your rating"))
    expect(rating.get_by_role("button")).to_have_count(5)
    shot(page, "rating-replies")
    rating.get_by_role("button", name="2 out of 5").click()
    expect(page.get_by_label(re.compile("Your message"))).to_be_focused()
    coach_messages(page).nth(3).wait_for()
    assert session.scalars(select(SkillAssessment).where(SkillAssessment.session_id == sid)).all() \
        == []  # nothing before the rep confirms
    end_session(page)
    item = page.locator(".answer").filter(has_text="Rating: prospecting")
    expect(item.locator(".badge")).to_have_text("You picked")
    expect(item.locator("strong")).to_have_text("2 / 5")
    page.get_by_role("button", name="Confirm and share").click()
    expect(page.get_by_role("heading", name="Confirmed and shared")).to_be_visible()
    session.expire_all()
    assessment = session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid))
    assert assessment.rep_id == sam
    assert [(r.skill, r.rating) for r in assessment.ratings] == [("prospecting", 2)]
