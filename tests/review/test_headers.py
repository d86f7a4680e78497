"""Security headers: a strict CSP without inline script, no framing, nosniff everywhere, a
Referrer-Policy; the widget script stays loadable cross-origin and CORS keeps working; HTTPS is
forced only when FORCE_HTTPS says so."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from models import CoachingSession, Organization, User
from service import create_app
from service.api_tokens import issue_token

from .conftest import login

BASE = {"TESTING": True, "SECRET_KEY": "k", "COACH_ENGINE": "guided"}


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, on* handlers,
    <style> blocks and style attributes."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.found += [f"{tag} {name}=" for name in attrs if name.startswith("on") or name == "style"]
        if tag == "style":
            self.found.append("<style>")
        self._in_script = tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline <script>: " + data.strip()[:40])

    def handle_endtag(self, tag):
        self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def csp(response) -> dict:
    directives = [d.strip().split() for d in response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def assert_common(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == ["'none'"]
    assert "Cross-Origin-Resource-Policy" not in response.headers


def review_paths(session):
    coaching = session.scalar(select(CoachingSession).order_by(CoachingSession.id))
    return ["/review/", "/review/ask-now", "/review/sessions", f"/review/sessions/{coaching.id}",
            "/review/commitments", "/review/settings", "/review/webhooks"]


def test_review_pages_run_no_inline_code_and_cannot_be_framed(web, demo):
    client = web.test_client()
    page = client.get("/review/login")
    assert_common(page)
    assert inline_code(page.text) == []
    assert login(client, "admin@demo.salescoach.test").status_code == 302
    for path in review_paths(demo):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_common(page)
        policy = csp(page)
        assert policy["default-src"] == ["'none'"] and "script-src" not in policy, path
        assert policy["style-src"] == ["'self'"] and policy["form-action"] == ["'self'"], path
        assert inline_code(page.text) == [], path


def test_exports_and_the_api_are_nosniff_and_script_free(web, demo, api):
    client = web.test_client()
    login(client, "maya@demo.salescoach.test")
    today = date.today()
    for path in (f"{review_paths(demo)[3]}/export?format=md", f"{review_paths(demo)[3]}/export?format=json",
                 f"/review/export?date_from={today - timedelta(days=90)}&date_to={today}&format=json"):
        download = client.get(path)
        assert download.status_code == 200, path
        assert_common(download)
        assert csp(download)["default-src"] == ["'none'"]
    maya = demo.scalar(select(User).where(User.email == "maya@demo.salescoach.test"))
    token = issue_token(demo, maya, "t")[1]
    demo.commit()
    for response in (api.get("/me", token), api.get("/me"), api.get("/api/v1/openapi.json")):
        assert_common(response)
        assert csp(response)["default-src"] == ["'none'"]


def test_cors_still_answers_an_allowed_origin(api, session, orgs):
    org = session.get(Organization, orgs["one"].id)
    org.widget_origins = ["https://crm.one.test"]
    session.commit()
    response = api.get("/me", orgs["one"].tokens["rep_a1"], headers={"Origin": "https://crm.one.test"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://crm.one.test"
    assert_common(response)


def test_the_widget_script_loads_in_any_page_but_is_never_sniffed(api):
    script = api.get("/widget.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers["Access-Control-Allow-Origin"] == "*"
    assert_common(script)  # nosniff, and no Cross-Origin-Resource-Policy


@pytest.fixture
def demo_app(database_url, demo):
    app = create_app({**BASE, "DATABASE_URL": database_url, "DEMO_DATA": True})
    yield app
    app.extensions["db"]["engine"].dispose()


def test_the_demo_page_runs_only_our_own_files(demo_app):
    page = demo_app.test_client().get("/demo?rep=sam", base_url="http://127.0.0.1:5000")
    assert page.status_code == 200 and 'id="demo-widget-config"' in page.text
    assert_common(page)
    policy = csp(page)
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]  # the widget's styles need no 'unsafe-inline'
    assert inline_code(page.text) == []


@pytest.fixture
def make(database_url):
    apps = []

    def build(**config):
        apps.append(create_app({**BASE, "DATABASE_URL": database_url, **config}))
        return apps[-1].test_client()

    yield build
    for app in apps:
        app.extensions["db"]["engine"].dispose()


def test_https_is_not_forced_by_default(make):
    page = make().get("/review/login")
    assert page.status_code == 200 and "Strict-Transport-Security" not in page.headers


def test_force_https_redirects_plain_http_and_sends_hsts(make):
    client = make(FORCE_HTTPS=True)
    plain = client.post("/review/login?next=/review/", data={})
    assert plain.status_code == 308
    assert plain.headers["Location"] == "https://localhost/review/login?next=/review/"
    # A client cannot claim HTTPS itself: X-Forwarded-Proto counts only from TRUSTED_PROXIES.
    assert client.get("/review/login", headers={"X-Forwarded-Proto": "https"}).status_code == 308
    assert client.get("/healthz").status_code != 308  # the load balancer's check stays on http
    secure = client.get("/review/login", base_url="https://localhost")
    assert secure.status_code == 200 and secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_trusted_proxy_its_https_header_counts(make):
    client = make(FORCE_HTTPS=True, TRUSTED_PROXIES=1)
    page = client.get("/review/login", headers={"X-Forwarded-Proto": "https"})
    assert page.status_code == 200 and "Strict-Transport-Security" in page.headers
