"""A review session ends at logout, on a password, role or active change, when idle, and at its
age limit; a cookie copied before any of these opens nothing afterwards."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import User
from service import clock
from service.api_tokens import issue_token

from .conftest import csrf_of, login

MAYA = "maya@demo.salescoach.test"


@pytest.fixture
def moving_clock(monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    return now


@pytest.fixture
def admin_token(demo):
    admin = demo.scalar(select(User).where(User.email == "admin@demo.salescoach.test"))
    token = issue_token(demo, admin, "test")[1]
    demo.commit()
    return token


def maya_id(session):
    return session.scalar(select(User.id).where(User.email == MAYA))


def copy_of(web, client):
    """A second browser holding a copy of the client's session cookie."""
    thief = web.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens_dashboard(client) -> bool:
    response = client.get("/review/")
    if response.status_code == 302:
        assert "/review/login" in response.headers["Location"]
        return False
    assert response.status_code == 200 and "Team dashboard" in response.text
    return True


def test_a_cookie_copied_before_logout_opens_nothing_after(web, maya):
    copy = copy_of(web, maya)
    assert opens_dashboard(copy)
    page = maya.get("/review/")
    assert maya.post("/review/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 302
    assert not opens_dashboard(copy)
    assert not opens_dashboard(maya)


def test_logout_ends_the_users_sessions_in_every_browser(web, maya):
    laptop = web.test_client()
    assert login(laptop, MAYA).status_code == 302
    page = maya.get("/review/")
    maya.post("/review/logout", data={"csrf_token": csrf_of(page.text)})
    assert not opens_dashboard(laptop)
    assert login(laptop, MAYA).status_code == 302 and opens_dashboard(laptop)  # log in again


@pytest.mark.parametrize("change", [
    {"password": "a-brand-new-password"}, {"role": "admin"}, {"active": False}])
def test_an_admin_changing_the_password_role_or_active_ends_her_sessions(web, maya, api, demo,
                                                                         admin_token, change):
    copy = copy_of(web, maya)
    response = api.patch(f"/users/{maya_id(demo)}", admin_token, json=change)
    assert response.status_code == 200, response.json
    assert not opens_dashboard(maya) and not opens_dashboard(copy)


def test_deactivating_ends_her_sessions(web, maya, api, demo, admin_token):
    assert api.delete(f"/users/{maya_id(demo)}", admin_token).status_code == 204
    assert not opens_dashboard(maya)


def test_changing_only_her_name_keeps_her_logged_in(web, maya, api, demo, admin_token):
    assert api.patch(f"/users/{maya_id(demo)}", admin_token, json={"name": "Maya M."}).status_code == 200
    assert api.patch(f"/users/{maya_id(demo)}", admin_token, json={"role": "manager"}).status_code == 200
    assert opens_dashboard(maya)


def test_a_session_idle_past_the_timeout_ends(web, demo, moving_clock):
    client = web.test_client()
    assert login(client, MAYA).status_code == 302
    moving_clock[0] += 59 * 60
    assert opens_dashboard(client)  # and that request counts as activity
    moving_clock[0] += 59 * 60
    assert opens_dashboard(client)
    moving_clock[0] += 61 * 60
    assert not opens_dashboard(client)


def test_a_busy_session_still_ends_at_its_age_limit(web, demo, moving_clock):
    client = web.test_client()
    assert login(client, MAYA).status_code == 302
    for _ in range(14):  # a request every 50 minutes: never idle
        moving_clock[0] += 50 * 60
        assert opens_dashboard(client)
    moving_clock[0] += 50 * 60  # 12.5 hours after login
    assert not opens_dashboard(client)


def test_the_cookie_itself_expires_with_the_session(web, demo):
    client = web.test_client()
    login(client, MAYA)
    lifetime = client.get_cookie("session").expires - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)  # not Flask's 31 days
