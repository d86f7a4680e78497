"""Single sign-on fixtures: a real OpenID provider (oidc-provider-mock) in a thread on loopback,
an organization configured for it, and the browser-less round trip through its form."""

import json
import re
import threading
from urllib.parse import urlsplit

import flask
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from service import create_app
from service.credentials import box_for
from service.sso.admission import save_config
from tests.conftest import build_org

PASSWORD = "correct horse battery"
# The provider (a test tool) still calls Authlib's older API from its own thread; our code does
# not. Only these two notices are let through, by their words.
PROVIDER_WARNINGS = [pytest.mark.filterwarnings("ignore:get_jwt_config.*:DeprecationWarning"),
                     pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated")]


class Tampering:
    """Around the real provider: when `changes` is set, its token endpoint's ID token gets those
    claims, re-signed with the provider's own key (the one its JWKS advertises): a token for
    another audience, or one already expired, that only our checks can refuse."""

    def __init__(self, provider_app):
        self.app, self.changes = provider_app, None
        with provider_app.test_request_context():
            provider_app.preprocess_request()  # the mock keeps its storage on flask.g
            self.key = RSAKey.import_key(
                flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))

    def __call__(self, environ, start_response):
        if not self.changes or environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        answer = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
        body = json.loads(b"".join(self.app(environ, keep)))
        if "id_token" in body:
            token = jwt.decode(body["id_token"], self.key)
            claims = {**token.claims, **self.changes}
            body["id_token"] = jwt.encode(dict(token.header), claims, self.key)
        data = json.dumps(body).encode()
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(data)))])
        return [data]


@pytest.fixture(scope="session")
def provider_server():
    """The provider on 127.0.0.1 (it names itself by the Host it is asked on). require_nonce:
    it refuses an authorization request without one, as a strict provider does."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    tampering = Tampering(oidc_provider_mock.app(require_nonce=True))
    server = make_server("127.0.0.1", 0, tampering, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", tampering
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def provider(provider_server):
    """The provider's issuer URL; its ID tokens untouched again after each test."""
    yield provider_server[0]
    provider_server[1].changes = None


@pytest.fixture
def tamper(provider_server):
    """tamper(aud="another-app"): the provider's next ID tokens carry these claims."""
    def change(**claims):
        provider_server[1].changes = claims
    return change


def provider_user(provider: str, sub: str, email: str, **claims) -> None:
    """What the provider says of the person who types `sub` into its form."""
    answer = requests.put(f"{provider}/users/{sub}", json={"email": email, **claims}, timeout=5)
    assert answer.status_code == 204


@pytest.fixture
def web(app, provider):
    """A second app on the same database (its own `g` per request), allowed to reach loopback."""
    keys = ("DATABASE_URL", "TESTING", "SECRET_KEY", "COACH_ENGINE", "DEMO_DATA")
    other = create_app({**{k: app.config[k] for k in keys}, "SSO_ALLOW_INTERNAL": True,
                        "SSO_HTTP_TIMEOUT": 5, "PUBLIC_URL": "http://sales.test"})
    yield other
    other.extensions["db"]["engine"].dispose()


@pytest.fixture
def world(session, app, provider):
    """Organizations One (SSO on the provider, client "sales-coach") and Two (none)."""
    one, two = build_org(session, "One"), build_org(session, "Two")
    configure(session, app, one.id, provider)
    for org in (one, two):
        org.admin.password_hash = generate_password_hash(PASSWORD)
    session.commit()
    return {"one": one, "two": two}


def configure(session, app, org_id: int, provider: str, **changes):
    data = {"issuer": provider, "client_id": "sales-coach", "client_secret": "s3cret",
            "jit_create": False, "default_role": "manager", "password_login_enabled": True,
            **changes}
    return save_config(session, org_id, data, box_for(app.config))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def sign_in(client, org_id: int, sub: str):
    """Our login redirect, the provider's form filled with `sub` (its one field), and our
    callback with the provider's answer: the callback's response."""
    start = client.get(f"/review/sso/{org_id}/login")
    assert start.status_code == 302, start.text
    authorize = start.headers["Location"]
    form = requests.get(authorize, timeout=5)
    assert 'name="sub"' in form.text
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith("http://sales.test/review/sso/callback?")
    return client.get(local(answer.headers["Location"]))
