"""Review fixtures: the demo organization, and a logged-in browser-less client."""

import re

import pytest

from service import create_app
from service.demo import PASSWORD, load_demo


@pytest.fixture
def demo(session, tmp_path):
    """The demo organization (Maya leads Enterprise East, Omar leads SMB West)."""
    load_demo(session, str(tmp_path))
    return session


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/review/login")
    return client.post("/review/login", data={"email": email, "password": password,
                                              "csrf_token": csrf_of(page.text)})


@pytest.fixture
def web(app):
    """A second app on the same database: its requests get their own app context and `g`.

    The `session` fixture keeps an app context of `app` open for the whole test, and Flask reuses
    it for test-client requests, so `g` (CSRF token, database session) would leak between them.
    """
    other = create_app({k: app.config[k] for k in ("DATABASE_URL", "TESTING", "SECRET_KEY",
                                                   "COACH_ENGINE", "DEMO_DATA")})
    yield other
    other.extensions["db"]["engine"].dispose()


@pytest.fixture
def maya(web, demo):
    client = web.test_client()
    assert login(client, "maya@demo.salescoach.test").status_code == 302
    return client
