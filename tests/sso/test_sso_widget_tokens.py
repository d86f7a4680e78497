"""Widget tokens through single sign-on: for an SSO browser session, or for an ID token of the
organization's provider; always the widget's short-lived token, never an API token."""

import base64
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from tests.sso.conftest import PASSWORD, PROVIDER_WARNINGS, csrf_of, provider_user, sign_in

pytestmark = PROVIDER_WARNINGS
ORIGIN = "https://crm.one.test"


def id_token_for(provider: str, client_id: str, sub: str) -> str:
    """What a host application signed in at the same provider holds: its user's ID token."""
    query = {"response_type": "code", "client_id": client_id, "scope": "openid email",
             "redirect_uri": "https://crm.one.test/callback", "state": "s",
             "nonce": secrets.token_urlsafe(8)}
    authorize = f"{provider}/oauth2/authorize?{urlencode(query)}"
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = requests.post(f"{provider}/oauth2/token", auth=(client_id, "x"), timeout=5, data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": "https://crm.one.test/callback"})
    return token.json()["id_token"]


def allow_origin(session, org):
    org.admin.organization.widget_origins = [ORIGIN]
    session.commit()


def test_an_sso_session_gets_a_widget_token_that_opens_the_api(web, world, provider, session):
    allow_origin(session, world["one"])
    provider_user(provider, "maya", "manager_a@one.test")
    client = web.test_client()
    sign_in(client, world["one"].id, "maya")
    page = client.get("/review/")
    answer = client.post("/review/sso/widget-token",
                         data={"origin": ORIGIN, "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 201 and answer.json["token"].startswith("wt_")
    me = web.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {answer.json['token']}", "Origin": ORIGIN})
    assert me.status_code == 200 and me.json["email"] == "manager_a@one.test"


def test_a_password_session_gets_no_token_here(web, world, provider, session):
    allow_origin(session, world["one"])
    client = web.test_client()
    form = client.get("/review/login")
    client.post("/review/login", data={"email": "admin@one.test", "password": PASSWORD,
                                       "csrf_token": csrf_of(form.text)})
    page = client.get("/review/")
    answer = client.post("/review/sso/widget-token",
                         data={"origin": ORIGIN, "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 403


def test_an_id_token_of_the_provider_buys_a_widget_token(web, world, provider, session):
    allow_origin(session, world["one"])
    provider_user(provider, "rita", "rep_a1@one.test")
    id_token = id_token_for(provider, "sales-coach", "rita")
    answer = web.test_client().post("/api/v1/widget/sso-tokens", json={
        "org_id": world["one"].id, "origin": ORIGIN}, headers={"Authorization": f"Bearer {id_token}"})
    assert answer.status_code == 201, answer.json
    assert answer.json["token"].startswith("wt_")
    assert answer.json["user_id"] == world["one"].users["rep_a1"].id
    assert answer.json["expires_in"] <= 3600


def test_an_id_token_for_another_application_is_refused(web, world, provider, session):
    allow_origin(session, world["one"])
    provider_user(provider, "rita", "rep_a1@one.test")
    id_token = id_token_for(provider, "crm-app", "rita")
    answer = web.test_client().post("/api/v1/widget/sso-tokens", json={
        "org_id": world["one"].id, "origin": ORIGIN}, headers={"Authorization": f"Bearer {id_token}"})
    assert answer.status_code == 401 and "wrong audience" in answer.json["error"]["message"]


def test_a_tampered_id_token_is_refused(web, world, provider, session):
    allow_origin(session, world["one"])
    provider_user(provider, "rita", "rep_a1@one.test")
    head, body, signature = id_token_for(provider, "sales-coach", "rita").split(".")
    forged = ".".join((head, body, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")))
    answer = web.test_client().post("/api/v1/widget/sso-tokens", json={
        "org_id": world["one"].id, "origin": ORIGIN}, headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401 and "signature" in answer.json["error"]["message"]


def test_an_unsigned_id_token_is_refused(web, world, provider, session):
    allow_origin(session, world["one"])
    provider_user(provider, "rita", "rep_a1@one.test")
    _, body, _ = id_token_for(provider, "sales-coach", "rita").split(".")
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    answer = web.test_client().post("/api/v1/widget/sso-tokens", json={
        "org_id": world["one"].id, "origin": ORIGIN},
        headers={"Authorization": f"Bearer {header}.{body}."})
    assert answer.status_code == 401 and "signature" in answer.json["error"]["message"]
