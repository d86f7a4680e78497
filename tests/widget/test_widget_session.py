"""A rep holds a whole coaching session in the widget embedded in the demo CRM page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import screenshot

from .conftest import coach_messages, end_session, open_widget, say, start_session

pytestmark = pytest.mark.browser

ANSWERS = [
    "My closed value went up because I protected two mornings a week for prospecting.",
    "Asking about the cost of delay earlier in discovery made buyers move faster.",
    "Next week I will call the Litware procurement lead on Tuesday to agree the signature date, "
    "and I will know it worked when the date is in the calendar.",
    "I will also send the Fabrikam pricing options to the CFO by Friday, measured by a meeting booked.",
    "It would help if my manager reviewed the Fabrikam pricing with me before Thursday.",
    "Keep the prospecting mornings and stop discounting before the buyer asks.",
    "I will book the Litware call today and block Friday morning for the Fabrikam proposal.",
    "A review of the pricing options with Maya would help most.",
    "I feel confident; the plan is clear.",
]


def test_a_whole_session_streams_resumes_after_reload_and_confirms(demo, browser_page, api):
    page = browser_page
    dialog = open_widget(page, demo.url + "/demo?rep=riley")
    expect(dialog).to_be_visible()
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    screenshot(page, "widget-desktop-picker")

    start_session(page, "Weekly review")
    expect(page.get_by_text(re.compile("Your manager will see this conversation"))).to_be_visible()
    expect(page.get_by_label(re.compile("Your message"))).to_be_focused()

    with page.expect_response(re.compile(r"/api/v1/sessions/\d+/messages")) as sent:
        say(page, ANSWERS[0])
    assert sent.value.headers["content-type"].startswith("text/event-stream")
    say(page, ANSWERS[1])
    screenshot(page, "widget-desktop")

    # Reload mid-session: the panel comes back open on the same conversation.
    transcript = page.locator(".msg .text").all_inner_texts()
    page.reload()
    expect(page.get_by_role("dialog", name="Coach")).to_be_visible()
    expect(page.locator(".msg .text")).to_have_text(transcript)
    for answer in ANSWERS[2:]:
        say(page, answer)
    assert coach_messages(page).count() == len(ANSWERS) + 1
    # the takeaway is in: the coach's last word asks nothing, and the widget offers to end
    expect(coach_messages(page).last).to_have_text("Your summary is ready when you are.")
    expect(page.get_by_role("button", name="End now")).to_be_visible()
    expect(page.get_by_role("button", name="Keep talking")).to_be_visible()

    end_session(page)
    expect(page.get_by_role("heading", name="Your summary")).to_be_visible()
    summary = page.get_by_label("Summary", exact=True)
    expect(summary).not_to_be_empty()
    drafted_summary = summary.input_value()
    page.reload()  # the draft waits for the rep across reloads too
    expect(page.get_by_label("Summary", exact=True)).to_have_value(drafted_summary)
    drafted = page.get_by_label("What you'll do").count()
    assert drafted >= 2, "the session gave several commitments"
    removed = page.get_by_label("What you'll do").nth(0).input_value()
    page.get_by_role("button", name="Remove commitment 1").click()
    page.get_by_role("button", name="Add a commitment").click()
    added = page.get_by_label("What you'll do").nth(drafted)
    expect(added).to_be_focused()
    added.fill("Call the Litware procurement lead on Tuesday to agree the signature date")
    page.get_by_label("By").nth(drafted).fill("2030-01-15")
    page.get_by_label("How you'll know").nth(drafted).fill("signature date in the calendar")
    screenshot(page, "widget-desktop-review")
    page.get_by_role("button", name="Confirm and share").click()
    expect(page.get_by_role("heading", name="Confirmed and shared")).to_be_visible()
    screenshot(page, "widget-desktop-done")

    sessions = api.get("/sessions?status=confirmed", demo.tokens["riley"]).json["items"]
    newest = api.get(f"/sessions/{sessions[0]['id']}", demo.tokens["riley"]).json
    assert newest["mode"] == "weekly_review" and newest["confirmed_at"]
    assert len([m for m in newest["messages"] if m["role"] == "rep"]) == len(ANSWERS)
    commitments = newest["commitments"]
    # the removed draft is gone, not kept as "dropped" against the rep's completion rate
    assert len(commitments) == drafted and all(c["confirmed"] for c in commitments)
    assert removed not in [c["text"] for c in commitments]
    assert {c["status"] for c in commitments} == {"open"}
    assert {"text": "Call the Litware procurement lead on Tuesday to agree the signature date",
            "due_date": "2030-01-15", "measure": "signature date in the calendar"}.items() <= \
        commitments[-1].items()
    # ... and the rep's manager sees them through the API too.
    maya = api.get(f"/commitments?session_id={newest['id']}", demo.tokens["maya"]).json["items"]
    assert sorted(c["text"] for c in maya) == sorted(c["text"] for c in commitments)

    # A fresh page after confirming starts from the mode picker again.
    page.reload()
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()


def test_keyboard_only_use(demo, browser_page):
    page = browser_page
    page.goto(demo.url + "/demo?rep=nia")
    launcher = page.get_by_role("button", name="Open Coach")
    launcher.focus()
    page.keyboard.press("Enter")
    radio = page.get_by_role("radio").first
    expect(radio).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Coach")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Coach")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Weekly review")).check()
    page.get_by_role("button", name="Start session").press("Enter")
    box = page.get_by_label(re.compile("Your message"))
    expect(box).to_be_focused()
    box.type("First line")
    box.press("Shift+Enter")
    box.type("second line")
    expect(box).to_have_value("First line\nsecond line")
    box.press("Enter")
    expect(page.locator(".msg.rep .text")).to_have_text(["First line\nsecond line"])
    expect(page.get_by_role("log", name="Conversation")).to_be_visible()


def test_a_mode_that_needs_a_deal_offers_the_reps_open_deals(demo, browser_page):
    page = browser_page
    open_widget(page, demo.url + "/demo?rep=sam")
    page.get_by_role("radio", name=re.compile("Opportunity strategy")).check()
    picker = page.get_by_label("Which deal?")
    expect(picker.locator("option")).to_contain_text(["Contoso global rollout"])
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_text("Choose one to continue.")).to_be_visible()
    picker.select_option(label="Contoso global rollout")
    page.get_by_role("button", name="Start session").click()
    expect(coach_messages(page)).to_have_count(1)


def test_a_phone_sized_screen(demo, new_context):
    context = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(demo.url + "/demo?rep=riley")
    screenshot(page, "widget-360-closed")
    dialog = open_widget(page, demo.url + "/demo?rep=riley")
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    screenshot(page, "widget-360-picker")
    start_session(page, "Weekly review")
    say(page, ANSWERS[0])
    box = dialog.bounding_box()
    assert box["width"] <= 360 and box["x"] >= 0
    send = page.get_by_role("button", name="Send")
    expect(send).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "widget-360")
    end_session(page)
    expect(page.get_by_role("button", name="Confirm and share")).to_be_in_viewport()
    screenshot(page, "widget-360-review")


def test_theming_through_boot_options_and_styles_isolated_both_ways(demo, browser_page):
    page = browser_page
    page.goto(demo.url + "/demo?rep=riley")
    # The host's own hostile rules, as a constructed sheet: /demo's CSP blocks inline <style>.
    page.evaluate("""() => { const sheet = new CSSStyleSheet();
        sheet.replaceSync(".title, .header, button { background: hotpink !important; "
                          + "font-family: Georgia !important; }");
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }""")
    page.evaluate("""async () => {
        const answer = await fetch("/demo/token?rep=riley", {method: "POST"});
        SalesCoach.boot({token: (await answer.json()).token, title: "Pipeline Pal",
                         color: "#ffcc00", position: "left"});
    }""")
    launcher = page.get_by_role("button", name="Open Pipeline Pal")
    assert launcher.bounding_box()["x"] < 100
    launcher.click()
    header = page.locator("#salescoach-widget .header")
    expect(page.get_by_role("heading", name="Pipeline Pal")).to_be_visible()
    expect(header).to_have_css("background-color", "rgb(255, 204, 0)")
    expect(header).to_have_css("color", "rgb(17, 24, 39)")  # dark text on a light colour
    assert "Georgia" not in page.get_by_role("heading", name="Pipeline Pal").evaluate(
        "node => getComputedStyle(node).fontFamily")
    # ... and none of the widget's styles reach the host page.
    expect(page.get_by_role("heading", name="Riley Rising's pipeline")).to_have_css("font-size", "26px")
    # Outside the shadow root: only the page's own style sheet and the one added above.
    assert page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').length") == 1
    assert page.evaluate("document.adoptedStyleSheets.length") == 1


def test_the_open_session_is_remembered_per_user(demo, browser_page):
    """A host page that switches users does not reach for the previous user's session."""
    page = browser_page
    open_widget(page, demo.url + "/demo?rep=riley")
    with page.expect_response(re.compile(r"/api/v1/sessions$")) as started:
        start_session(page, "Weekly review")
    riley_session = started.value.json()["id"]

    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/sessions" in r.url else None)
    page.goto(demo.url + "/demo?rep=nia")  # the panel reopens: it was open in this tab
    expect(page.get_by_text("What would you like to work on?")).to_be_visible()
    assert not [url for url in asked if url.endswith(f"/sessions/{riley_session}")]
    stored = page.evaluate("Object.values(localStorage)")
    assert f'{{"session_id":{riley_session}}}' in stored  # nia's visit left riley's entry alone

    asked.clear()
    page.goto(demo.url + "/demo?rep=riley")
    expect(page.locator(".msg.coach").first).to_be_visible()
    assert any(url.endswith(f"/sessions/{riley_session}") for url in asked)
    assert not [url for url in asked if "status=active" in url]  # resumed from its own entry
