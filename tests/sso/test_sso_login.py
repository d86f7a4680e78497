"""Signing in to the review pages through a real OpenID provider (oidc-provider-mock)."""

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select

from models import SsoConfig, User
from service import clock
from tests.sso.conftest import (
    PASSWORD,
    PROVIDER_WARNINGS,
    configure,
    csrf_of,
    provider_user,
    sign_in,
)

pytestmark = PROVIDER_WARNINGS


def test_manager_signs_in_and_lands_on_the_dashboard(web, world, provider):
    provider_user(provider, "maya", "Manager_A@One.test")  # case differs from ours
    client = web.test_client()
    answer = sign_in(client, world["one"].id, "maya")
    assert answer.status_code == 302 and answer.headers["Location"] == "/review/"
    dashboard = client.get("/review/")
    assert dashboard.status_code == 200 and "One manager_a" in dashboard.text


def test_the_authorization_request_carries_state_nonce_and_pkce(web, world, provider):
    start = web.test_client().get(f"/review/sso/{world['one'].id}/login")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(provider + "/oauth2/authorize?")
    assert query["client_id"] == ["sales-coach"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://sales.test/review/sso/callback"]
    assert all(query[k][0] for k in ("state", "nonce", "code_challenge"))
    assert "openid" in query["scope"][0].split()


def test_unknown_email_gets_an_account_just_in_time(web, world, provider, session):
    configure(session, web, world["one"].id, provider, jit_create=True,
              default_role="manager")
    provider_user(provider, "newbie", "newbie@one.test", name="Nia Newbie")
    client = web.test_client()
    assert sign_in(client, world["one"].id, "newbie").status_code == 302
    session.expire_all()
    user = session.scalar(select(User).where(User.email == "newbie@one.test"))
    assert (user.org_id, user.role, user.name) == (world["one"].id, "manager", "Nia Newbie")
    assert "Nia Newbie" in client.get("/review/").text


def test_unknown_email_without_jit_is_refused(web, world, provider, session):
    provider_user(provider, "stranger", "stranger@one.test")
    client = web.test_client()
    answer = sign_in(client, world["one"].id, "stranger")
    assert answer.status_code == 403
    assert "stranger@one.test has no account in this organization" in answer.text
    assert client.get("/review/").status_code == 302  # no session: back to the login page
    assert session.scalar(select(User).where(User.email == "stranger@one.test")) is None


def test_a_user_of_another_organization_is_refused(web, world, provider, session):
    configure(session, web, world["one"].id, provider, jit_create=True)
    provider_user(provider, "other", "manager_a@two.test")
    client = web.test_client()
    answer = sign_in(client, world["one"].id, "other")
    assert answer.status_code == 403 and "belongs to another organization" in answer.text
    assert client.get("/review/").status_code == 302
    assert session.scalars(select(User.org_id).where(User.email == "manager_a@two.test")).all() \
        == [world["two"].id]  # no copy made in One


def test_a_token_for_another_audience_is_refused(web, world, provider, tamper):
    provider_user(provider, "maya", "manager_a@one.test")
    tamper(aud="another-app")
    client = web.test_client()
    answer = sign_in(client, world["one"].id, "maya")
    assert answer.status_code == 401 and "wrong audience" in answer.text
    assert client.get("/review/").status_code == 302


def test_an_expired_token_is_refused(web, world, provider, tamper):
    provider_user(provider, "maya", "manager_a@one.test")
    tamper(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    client = web.test_client()
    answer = sign_in(client, world["one"].id, "maya")
    assert answer.status_code == 401 and "it has expired" in answer.text
    assert client.get("/review/").status_code == 302


def test_a_token_checked_after_its_lifetime_is_refused(web, world, provider, monkeypatch):
    """The provider's own token (an hour's life) read two hours later by our clock."""
    provider_user(provider, "maya", "manager_a@one.test")
    client = web.test_client()
    start = client.get(f"/review/sso/{world['one'].id}/login").headers["Location"]
    answer = requests.post(start, data={"sub": "maya"}, allow_redirects=False, timeout=5)
    later = time.time() + 7200
    monkeypatch.setattr(clock, "now", lambda: later)
    with monkeypatch.context() as m:
        m.setattr("service.review.sso_flow.FLOW_SECONDS", 10_000)
        refused = client.get(answer.headers["Location"].removeprefix("http://sales.test"))
    assert refused.status_code == 401 and "it has expired" in refused.text


def test_a_forged_state_is_refused(web, world, provider):
    client = web.test_client()
    client.get(f"/review/sso/{world['one'].id}/login")
    answer = client.get("/review/sso/callback?code=abc&state=forged")
    assert answer.status_code == 400 and "Start again from the login page" in answer.text


def test_logout_ends_our_session_and_the_providers(web, world, provider):
    provider_user(provider, "maya", "manager_a@one.test")
    client = web.test_client()
    sign_in(client, world["one"].id, "maya")
    page = client.get("/review/")
    out = client.post("/review/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 200 and "You are logged out here" in out.text
    target = urlsplit(html.unescape(re.search(r'href="([^"]+end_session[^"]*)"', out.text)[1]))
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider + "/oauth2/end_session"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://sales.test/review/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get("/review/").status_code == 302


def test_password_login_off_points_to_sso(web, world, provider, session):
    configure(session, web, world["one"].id, provider, password_login_enabled=False)
    client = web.test_client()
    form = client.get("/review/login")
    refused = client.post("/review/login", data={
        "email": "admin@one.test", "password": PASSWORD, "csrf_token": csrf_of(form.text)})
    assert refused.status_code == 403 and "signs in with single sign-on" in refused.text
    assert client.get("/review/").status_code == 302
    other = web.test_client()  # Two keeps its password login
    form = other.get("/review/login")
    assert other.post("/review/login", data={"email": "admin@two.test", "password": PASSWORD,
                                             "csrf_token": csrf_of(form.text)}).status_code == 302


def test_the_login_pages_sso_button_finds_the_organization(web, world, provider):
    client = web.test_client()
    form = client.get("/review/login")
    assert "Sign in with SSO" in form.text
    found = client.post("/review/sso/start", data={"email": "manager_a@one.test",
                                                    "csrf_token": csrf_of(form.text)})
    assert f'href="/review/sso/{world["one"].id}/login' in found.text
    none = client.post("/review/sso/start", data={"email": "manager_a@two.test",
                                                   "csrf_token": csrf_of(form.text)})
    assert none.status_code == 404 and "No organization signs in" in none.text


def test_the_secret_is_stored_sealed(world, session):
    stored = session.scalar(select(SsoConfig).where(SsoConfig.org_id == world["one"].id))
    assert stored.client_secret_sealed and "s3cret" not in stored.client_secret_sealed
