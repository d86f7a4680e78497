"""The admin's single sign-on page, and where the provider may be."""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import SsoConfig
from service import create_app
from tests.sso.conftest import PASSWORD, PROVIDER_WARNINGS, csrf_of

pytestmark = PROVIDER_WARNINGS


def logged_in(web, email):
    client = web.test_client()
    form = client.get("/review/login")
    assert client.post("/review/login", data={"email": email, "password": PASSWORD,
                                              "csrf_token": csrf_of(form.text)}).status_code == 302
    return client


def test_admin_sets_up_sso_and_the_secret_is_never_shown(web, world, provider, session):
    client = logged_in(web, "admin@two.test")
    page = client.get("/review/admin/sso")
    assert page.status_code == 200
    assert "http://sales.test/review/sso/callback" in page.text and ">SSO</a>" in page.text
    saved = client.post("/review/admin/sso", data={
        "issuer": provider + "/", "client_id": "coach-two", "client_secret": "very-secret-value",
        "allowed_domains": "Two.test, two.example", "jit_create": "true", "default_role": "manager",
        "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 302
    config = session.scalar(select(SsoConfig).where(SsoConfig.org_id == world["two"].id))
    assert (config.issuer, config.client_id, config.jit_create, config.default_role) == (
        provider, "coach-two", True, "manager")
    assert config.allowed_domains == ["two.example", "two.test"]
    assert config.password_login_enabled is False  # the box was left unticked
    again = client.get("/review/admin/sso")
    assert "very-secret-value" not in again.text and "set; leave empty to keep it" in again.text
    assert f"/review/sso/{world['two'].id}/login" in again.text


def test_an_empty_secret_keeps_the_stored_one(web, world, provider, session):
    client = logged_in(web, "admin@one.test")
    before = session.scalar(select(SsoConfig.client_secret_sealed).where(
        SsoConfig.org_id == world["one"].id))
    page = client.get("/review/admin/sso")
    client.post("/review/admin/sso", data={"issuer": provider, "client_id": "sales-coach",
                                           "password_login_enabled": "true",
                                           "csrf_token": csrf_of(page.text)})
    session.expire_all()
    assert session.scalar(select(SsoConfig.client_secret_sealed).where(
        SsoConfig.org_id == world["one"].id)) == before


def test_managers_may_not_open_it(web, world, session):
    world["one"].users["manager_a"].password_hash = generate_password_hash(PASSWORD)
    session.commit()
    assert logged_in(web, "manager_a@one.test").get("/review/admin/sso").status_code == 403


def test_a_provider_on_an_internal_address_is_refused_in_production(app, world, provider):
    keys = ("DATABASE_URL", "TESTING", "SECRET_KEY", "COACH_ENGINE", "DEMO_DATA")
    strict = create_app({k: app.config[k] for k in keys})  # SSO_ALLOW_INTERNAL off
    try:
        answer = strict.test_client().get(f"/review/sso/{world['one'].id}/login")
        assert answer.status_code == 502 and "refused_internal_address" in answer.text
    finally:
        strict.extensions["db"]["engine"].dispose()
