"""Single sign-on in a real Chromium against the real provider: the login page's button, the
provider's form, the dashboard, logout through the provider, and a refused token."""

import pytest

from tests.browser_fixtures import screenshot
from tests.sso.conftest import PASSWORD, PROVIDER_WARNINGS, provider_user

pytestmark = [pytest.mark.browser, *PROVIDER_WARNINGS]


@pytest.fixture
def sso_page(browser_page, live_server, app):
    """The browser, and our app answering at the live server's address (its redirect URI).
    The provider's pages link a stylesheet on a CDN: never fetched (no network here), so the
    page's load event does not wait for it."""
    app.config.update(PUBLIC_URL=live_server.url, SSO_ALLOW_INTERNAL=True, SSO_HTTP_TIMEOUT=5)
    browser_page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    return browser_page


def sign_in_with_sso(page, base, email, sub):
    page.goto(base + "/review/")
    screenshot(page, "sso-login-page")
    page.get_by_label("your work address").fill(email)
    page.get_by_role("button", name="Sign in with SSO").click()
    page.wait_for_selector('input[name="sub"]')  # the provider's own form (its one field)
    assert page.get_by_role("heading", name="Authorize Client").is_visible()
    screenshot(page, "sso-provider-form")
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_sign_in_with_sso_then_log_out(sso_page, live_server, world, provider):
    page, base = sso_page, live_server.url
    provider_user(provider, "maya", "manager_a@one.test")
    sign_in_with_sso(page, base, "manager_a@one.test", "maya")
    assert page.get_by_role("heading", name="Team dashboard").is_visible()
    assert page.url == base + "/review/"
    assert "One manager_a" in page.locator(".who").inner_text()
    screenshot(page, "sso-dashboard")

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="End Session").wait_for()  # the provider's page, by itself
    assert page.url.startswith(provider + "/oauth2/end_session?")
    screenshot(page, "sso-provider-end-session")
    page.get_by_role("button", name="End session").click()
    page.get_by_role("heading", name="Log in to review").wait_for()
    assert page.url == base + "/review/login"
    page.goto(base + "/review/")
    assert page.get_by_role("heading", name="Log in to review").is_visible()  # our session ended


def test_a_token_for_another_audience_shows_the_refusal(sso_page, live_server, world, provider,
                                                         tamper):
    page, base = sso_page, live_server.url
    provider_user(provider, "maya", "manager_a@one.test")
    tamper(aud="another-app")
    sign_in_with_sso(page, base, "manager_a@one.test", "maya")
    assert page.get_by_role("heading", name="Single sign-on refused").is_visible()
    assert "wrong audience" in page.get_by_role("alert").inner_text()
    screenshot(page, "sso-refused")
    page.goto(base + "/review/")
    assert page.get_by_role("heading", name="Log in to review").is_visible()


def test_admin_opens_the_sso_page_from_the_nav(sso_page, live_server, world):
    page, base = sso_page, live_server.url
    page.goto(base + "/review/")
    page.get_by_label("Email", exact=True).fill("admin@one.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="SSO").click()
    assert page.get_by_role("heading", name="Single sign-on").is_visible()
    assert page.locator("#redirect-uri").inner_text() == base + "/review/sso/callback"
    assert page.get_by_label("Client ID").input_value() == "sales-coach"
    assert page.get_by_label("Client secret").input_value() == ""  # write-only
    screenshot(page, "sso-admin")
