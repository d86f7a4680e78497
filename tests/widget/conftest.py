"""The demo organization served live, and helpers to drive the widget inside its shadow root."""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from models import Organization, User
from service.api_tokens import issue_token
from service.coach import FakeEngine
from service.demo import load_demo

ORIGIN = "https://crm.one.test"


@pytest.fixture
def allowed(session, orgs):
    """Organization one lets https://crm.one.test embed the widget."""
    org = orgs["one"].admin.organization
    org.widget_origins = [ORIGIN]
    session.commit()
    return orgs


@dataclass
class Demo:
    url: str
    org_id: int
    reps: dict  # key -> user id
    tokens: dict  # key -> API token (server side only)


@pytest.fixture
def demo(app, session, live_server, tmp_path):
    """The demo data in the live app, with the live server's origin allowed to embed the widget."""
    app.config["DEMO_DATA"] = True
    load_demo(session, str(tmp_path))
    reps = {u.email.split("@")[0]: u for u in session.scalars(
        select(User).where(User.email.like("%@demo.salescoach.test")))}
    org = session.get(Organization, reps["riley"].org_id)
    org.widget_origins = [*org.widget_origins, live_server.url]
    tokens = {key: issue_token(session, user, "test")[1] for key, user in reps.items()}
    session.commit()
    return Demo(live_server.url, org.id, {k: u.id for k, u in reps.items()}, tokens)


def open_widget(page, url: str):
    """Go to a page embedding the widget and open it with the launcher."""
    page.goto(url)
    page.get_by_role("button", name="Open Coach").click()
    return page.get_by_role("dialog", name="Coach")


def start_session(page, mode: str = "Weekly review", target: str | None = None):
    page.get_by_role("radio", name=re.compile(mode)).check()
    if target:
        page.get_by_label(re.compile("Which (deal|account)")).select_option(label=target)
    page.get_by_role("button", name="Start session").click()
    page.locator(".msg.coach").first.wait_for()


def end_session(page):
    """End session, then confirm: the widget asks once more (with "Keep talking"); after the
    coach's closing word it has asked already."""
    end_now = page.get_by_role("button", name="End now")
    if not end_now.is_visible():
        page.get_by_role("button", name="End session").click()
    end_now.click()


def coach_messages(page):
    return page.locator(".msg.coach .text")


def say(page, text: str):
    """Type a message, send it with Enter and wait for the coach's complete reply."""
    before = coach_messages(page).count()
    box = page.get_by_label(re.compile("Your message"))
    box.fill(text)
    box.press("Enter")
    coach_messages(page).nth(before).wait_for()
    page.locator(".msg.coach.streaming").wait_for(state="detached")
    return coach_messages(page).nth(before).inner_text()


class Partial:
    """A queued reply that streams `first`, then fails with `error` or waits for `gate`."""

    def __init__(self, first: str, rest: str = "", error: Exception | None = None, gate=None):
        self.first, self.rest, self.error, self.gate = first, rest, error, gate


class ScriptedEngine(FakeEngine):
    """The FakeEngine, plus replies that fail or pause part-way through streaming."""

    def stream(self, turn):
        if self.queue and isinstance(self.queue[0], Partial):
            self.history.append(turn)
            item = self.queue.popleft()
            yield item.first
            if item.error is not None:
                raise item.error
            if item.gate is not None:
                item.gate.wait(timeout=20)
            yield item.rest
            return
        yield from super().stream(turn)


@pytest.fixture
def scripted(app):
    """Put a ScriptedEngine behind the live app (the sessions API's engine hook)."""
    engine = ScriptedEngine(default="What would you like to look at next?")
    app.config["COACH_ENGINE_INSTANCE"] = engine
    return engine


@pytest.fixture(autouse=True)
def no_script_errors(request):
    """Any uncaught error in the widget's page fails the browser test that caused it."""
    if "browser_page" not in request.fixturenames:
        yield
        return
    errors = []
    request.getfixturevalue("browser_page").on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert errors == []
