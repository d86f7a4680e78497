import pytest
from sqlalchemy import select

from models import Organization
from service import create_app


def test_healthz_reports_database_ok(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_me_needs_a_token(api):
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_answers_who_the_token_belongs_to(api, orgs):
    response = api.get("/me", orgs["one"].tokens["rep_a1"])
    assert response.status_code == 200
    assert response.json["email"] == "rep_a1@one.test"
    assert response.json["role"] == "rep"
    assert response.json["organization"]["name"] == "One Corp"


def read_only_url(database_url: str) -> str:
    """The same database, opened so that it answers reads and refuses every write."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///file:{database_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}options=-c%20default_transaction_read_only%3Don"


@pytest.fixture
def read_only_app(database_url, app):
    """A second app on the test database, read-only (SQLite `mode=ro`, PostgreSQL
    `default_transaction_read_only`), as after a failover to a replica or a full disk remount."""
    other = create_app({"DATABASE_URL": read_only_url(database_url), "TESTING": True,
                        "SECRET_KEY": "test-key", "COACH_ENGINE": "guided", "DEMO_DATA": False})
    yield other
    other.extensions["db"]["engine"].dispose()


def test_healthz_reports_a_read_only_database(read_only_app, orgs):
    with read_only_app.extensions["db"]["engine"].connect() as conn:  # it still reads
        assert "One Corp" in conn.scalars(select(Organization.name)).all()
    response = read_only_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "read_only"
    assert "read-only" in response.json["error"]["message"]


def test_healthz_changes_nothing(api, session, orgs):
    before = [(o.id, o.name) for o in session.scalars(select(Organization).order_by(Organization.id))]
    assert api.get("/healthz").status_code == 200
    session.expire_all()
    assert [(o.id, o.name) for o in session.scalars(select(Organization).order_by(Organization.id))] == before
