"""The review pages without a browser: login rules, privacy, notes, the refusals a user sees."""

import re
from datetime import date
from decimal import Decimal

import pytest

from service.world import monthly_figures

from .conftest import csrf_of, login
from .seed import PASSWORD, add_sessions, with_passwords


@pytest.fixture
def world(session, orgs):
    org = orgs["one"]
    with_passwords(session, org)
    return org, add_sessions(session, org, 5)


@pytest.fixture
def manager(web, world):
    client = web.test_client()
    assert login(client, world[0].users["manager_a"].email, PASSWORD).status_code == 302
    return client


def test_login_cookie_and_logout(web, world):
    client = web.test_client()
    response = login(client, world[0].users["manager_a"].email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/review/")
    assert "Team dashboard" in page.text
    client.post("/review/logout", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/review/").headers["Location"].startswith("/review/login")


def test_wrong_password_and_unknown_email_read_the_same(web, world):
    wrong = login(web.test_client(), world[0].users["manager_a"].email, "wrong-password")
    unknown = login(web.test_client(), "nobody@one.test", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an account."
    assert message in wrong.text and message in unknown.text


def test_reps_are_told_the_pages_are_for_managers(web, world):
    refused = login(web.test_client(), world[0].users["rep_a1"].email, PASSWORD)
    assert refused.status_code == 403 and "for managers and admins" in refused.text


def test_login_never_redirects_off_site(web, world):
    client = web.test_client()
    form = {"email": world[0].users["manager_a"].email, "password": PASSWORD,
            "next": "https://evil.example/", "csrf_token": csrf_of(client.get("/review/login").text)}
    assert client.post("/review/login", data=form).headers["Location"] == "/review/"


def test_transcript_has_stage_markers_and_hides_when_summary_only(manager, session, world):
    org, sessions = world
    page = manager.get(f"/review/sessions/{sessions[4].id}").text
    assert "Stage: Acknowledge" in page and "Stage: Explore" in page
    org.admin.organization.transcript_visibility = "summary"
    session.commit()
    page = manager.get(f"/review/sessions/{sessions[4].id}").text
    assert "Stage: Acknowledge" not in page and "stays private to the rep" in page
    assert sessions[4].summary in page


def test_notes_edit_own_only(manager, web, world):
    org, sessions = world
    url = f"/review/sessions/{sessions[0].id}"
    token = csrf_of(manager.get(url).text)
    manager.post(f"{url}/notes", data={"text": "Follow up on the sponsor", "csrf_token": token})
    page = manager.get(url).text
    mine = re.findall(r'/review/notes/(\d+)', manager.get(f"{url}?edit=0").text)
    assert "Follow up on the sponsor" in page and not mine  # no edit form until asked
    note_ids = re.findall(r"edit=(\d+)", page)
    assert note_ids
    edited = manager.post(f"/review/notes/{note_ids[-1]}", data={"text": "Changed", "csrf_token": token})
    assert edited.status_code == 302 and "Changed" in manager.get(url).text

    admin = web.test_client()
    login(admin, org.admin.email, PASSWORD)
    refused = admin.post(f"/review/notes/{note_ids[-1]}", headers={"Accept": "text/html"},
                         data={"text": "x", "csrf_token": csrf_of(admin.get(url).text)})
    assert refused.status_code == 403 and "Only the note&#39;s author" in refused.text


def test_invalid_filters_are_explained(manager):
    page = manager.get("/review/sessions?date_from=yesterday", headers={"Accept": "text/html"})
    assert page.status_code == 422 and "date_from" in page.text


def test_settings_page_is_for_admins(manager, web, world):
    assert manager.get("/review/settings", headers={"Accept": "text/html"}).status_code == 403
    admin = web.test_client()
    login(admin, world[0].admin.email, PASSWORD)
    token = csrf_of(admin.get("/review/settings").text)
    saved = admin.post("/review/settings", data={"transcript_visibility": "summary", "csrf_token": token})
    assert saved.status_code == 302
    assert 'value="summary" checked' in admin.get("/review/settings").text


def test_the_dashboard_words_money_as_the_coach_does(manager, session, world):
    """Cents are shown when there are any, as in the rep's coaching: the same figure reads the
    same to the rep and to their manager."""
    org = world[0]
    monthly_figures(session, org.id, org.users["rep_a1"].id, date.today(), {0: {
        "closed_value": Decimal("1250.50"), "quota": Decimal("20000")}})
    session.commit()
    page = manager.get("/review/").text
    assert "USD 1,250.50" in page and "USD 20,000" in page
