"""The widget refuses other websites and bad tokens, and never runs text as HTML."""

import json
import re
import threading
import time
import urllib.request

import pytest
from flask import Flask, request
from itsdangerous.timed import TimestampSigner
from playwright.sync_api import expect
from sqlalchemy import select

from models import CoachingSession, User
from service.widget.tokens import mint
from tests.browser_fixtures import LiveServer, screenshot

from .conftest import Partial, coach_messages, open_widget, start_session

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
REGENERATED = "Which part of that matters most to you right now?"  # the guard's second draft
# long enough that the session's language is read as English (a bare tag reads as German)
TYPED = f"I typed {XSS} myself while I was looking at the pipeline report this morning"

HOST_PAGE = """<!doctype html><html><head><title>Intranet</title></head><body><h1>Intranet</h1>
<script src="{base}/widget.js"></script>
<script>SalesCoach.boot({{token: {token}, apiBase: "{base}", onTokenExpired: {renew}}});</script>
</body></html>"""
RENEW = 'async () => (await (await fetch("/token?user={user}", {{method: "POST"}})).json()).token'


class HostSite:
    """A customer's web app on another origin: its pages embed the widget, and its backend
    mints widget tokens through POST /api/v1/widget/tokens with an organization API token."""

    def __init__(self, coach_url: str, api_token: str):
        self.coach_url, self.api_token, self.pages = coach_url, api_token, {}
        self.app = Flask("host_site")
        self.app.add_url_rule("/page/<name>", "page", lambda name: self.pages[name])
        self.app.add_url_rule("/token", "token", self.token, methods=["POST"])

    def token(self):
        body = json.dumps({"user_id": int(request.args["user"]), "origin": self.url}).encode()
        call = urllib.request.Request(self.coach_url + "/api/v1/widget/tokens", data=body, headers={
            "Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(call, timeout=10) as answer:
            return {"token": json.load(answer)["token"]}

    def page(self, name: str, token: str, user_id: int, renew: bool = False) -> str:
        self.pages[name] = HOST_PAGE.format(base=self.coach_url, token=json.dumps(token),
                                            renew=RENEW.format(user=user_id) if renew else "null")
        return f"{self.url}/page/{name}"


@pytest.fixture
def host(app, demo):
    """The customer's site on http://localhost:<port>: another origin than the coach's."""
    site = HostSite(demo.url, demo.tokens["admin"])
    with LiveServer(site.app, host="localhost") as server:
        site.url = server.url
        assert site.url != demo.url
        yield site


def allow(api, demo, origin):
    """The demo admin adds an origin to the widget origins through the API."""
    origins = api.get("/api/v1/widget/origins", demo.tokens["admin"]).json["origins"]
    api.put("/api/v1/widget/origins", demo.tokens["admin"], json={"origins": [*origins, origin]})


def widget_token(app, user_id, origin, age_seconds=0, monkeypatch=None):
    with app.app_context():
        from service.db import db

        user = db.session.get(User, user_id)
        if age_seconds:
            born = int(time.time()) - age_seconds
            monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: born)
        token = mint(user, origin).token
        if age_seconds:
            monkeypatch.undo()
        return token


def sessions_of(session, user_id):
    session.expire_all()
    return session.scalars(select(CoachingSession).where(CoachingSession.rep_id == user_id)).all()


def test_a_page_on_another_origin_cannot_use_the_widget(app, demo, host, browser_page, session):
    page = browser_page
    # The coach's own demo page, served on an origin that is not allowed, does not embed it.
    with LiveServer(app, host="localhost") as other:
        page.goto(other.url + "/demo?rep=riley")
        expect(page.get_by_text(re.compile("is not one of Northwind Demo's widget origins"))).to_be_visible()
        expect(page.get_by_role("button", name="Open Coach")).to_have_count(0)

    # A token minted for the allowed origin, copied into a page on another origin.
    stolen = widget_token(app, demo.reps["riley"], demo.url)
    before = len(sessions_of(session, demo.reps["riley"]))
    open_widget(page, host.page("stolen", stolen, demo.reps["riley"]))
    expect(page.get_by_text("The coach can't be reached from this page right now.")).to_be_visible()
    screenshot(page, "widget-refused-origin")
    assert len(sessions_of(session, demo.reps["riley"])) == before


def test_a_customer_site_embeds_the_widget_once_its_origin_is_allowed(api, demo, host, browser_page):
    allow(api, demo, host.url)
    token = json.loads(host.app.test_client().post(f"/token?user={demo.reps['theo']}").data)["token"]
    open_widget(browser_page, host.page("intranet", token, demo.reps["theo"]))
    expect(browser_page.get_by_text("What would you like to work on?")).to_be_visible()


def test_an_expired_token_is_refused_unless_the_host_renews_it(app, api, demo, host, browser_page,
                                                               monkeypatch):
    allow(api, demo, host.url)
    nia = demo.reps["nia"]
    old = widget_token(app, nia, host.url, age_seconds=16 * 60, monkeypatch=monkeypatch)
    page = browser_page
    open_widget(page, host.page("expired", old, nia))
    expect(page.get_by_text(re.compile("sign-in to the coach has expired"))).to_be_visible()

    renewing = page.context.new_page()
    open_widget(renewing, host.page("renewing", old, nia, renew=True))
    expect(renewing.get_by_text("What would you like to work on?")).to_be_visible()


def test_a_tampered_token_is_refused(app, api, demo, host, browser_page):
    allow(api, demo, host.url)
    token = widget_token(app, demo.reps["nia"], host.url)
    body, _, signature = token.rpartition(".")
    forged = body[:4] + ("A" if body[4] != "A" else "B") + body[5:] + "." + signature
    open_widget(browser_page, host.page("forged", forged, demo.reps["nia"]))
    expect(browser_page.get_by_text(re.compile("sign-in to the coach has expired"))).to_be_visible()
    expect(browser_page.get_by_role("radio")).to_have_count(0)


def test_html_from_the_model_or_the_rep_is_shown_as_text(demo, scripted, browser_page):
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    gate = threading.Event()
    # The guard rejects markup sentence by sentence as it streams: the model's HTML is held
    # back, never shown, and the regenerated reply replaces it.
    scripted.enqueue("What would you like to look at first?",
                     Partial(f"So {XSS} <script>window.__xss = 1</script>. And", " what else?",
                             gate=gate), REGENERATED)
    open_widget(page, demo.url + "/demo?rep=nia")
    start_session(page, "Weekly review")
    box = page.get_by_label(re.compile("Your message"))
    box.fill(TYPED)
    box.press("Enter")
    expect(page.locator(".msg.rep .text")).to_have_text([TYPED])
    widget = page.locator("#salescoach-widget")
    page.wait_for_timeout(300)  # the model's first sentence has streamed by now
    expect(widget).not_to_contain_text("__xss")
    assert widget.locator("img").count() == widget.locator("script").count() == 0
    gate.set()
    expect(page.locator(".msg.coach.streaming")).to_have_count(0)
    expect(coach_messages(page).last).to_have_text(REGENERATED)

    page.reload()  # the stored transcript is rendered as text too
    expect(page.locator(".msg.rep .text")).to_have_text([TYPED])
    assert widget.locator("img").count() == 0
    page.wait_for_timeout(300)  # give a would-be onerror handler the chance to fire
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
