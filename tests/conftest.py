"""Fixtures: an app on a throwaway database, and a small world of organizations and roles.

The database is SQLite unless TEST_DATABASE_URL names another (tests/run_all.py runs the
suite again on PostgreSQL). The schema is built once per run; each test starts from empty tables.
"""

import os
from dataclasses import dataclass, field

import pytest
from sqlalchemy import delete

from models import Base, Team, User
from models.db import make_engine
from service import create_app
from service.api_tokens import issue_token
from service.world import add_person, create_organization

pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-key",
                      "COACH_ENGINE": "guided", "DEMO_DATA": False})
    yield app
    engine = app.extensions["db"]["engine"]
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    engine.dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        s = app.extensions["db"]["sessionmaker"]()
        yield s
        s.close()


class ApiClient:
    """The Flask test client with a bearer token: api.get("/teams", token)."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if not path.startswith("/"):
            path = "/" + path
        if not path.startswith(("/api/", "/healthz", "/review", "/widget", "/demo")):
            path = "/api/v1" + path
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def __getattr__(self, method):
        return lambda path, token=None, **kw: self.call(method.upper(), path, token, **kw)


@pytest.fixture
def api(app):
    return ApiClient(app.test_client())


@dataclass
class Org:
    id: int
    admin: User
    tokens: dict = field(default_factory=dict)  # user name -> token
    users: dict = field(default_factory=dict)  # name -> User
    teams: dict = field(default_factory=dict)  # name -> Team


def build_org(session, label: str) -> Org:
    """An organization: admin, teams A and B, a manager each, two reps in A and one in B."""
    admin, token = create_organization(session, f"{label} Corp", f"{label} Admin",
                                       f"admin@{label.lower()}.test")
    org = Org(id=admin.org_id, admin=admin, tokens={"admin": token}, users={"admin": admin})
    for team_name in ("A", "B"):
        team = Team(org_id=org.id, name=f"Team {team_name}")
        session.add(team)
        org.teams[team_name] = team
    session.flush()
    people = [("manager_a", "manager", None, "A"), ("manager_b", "manager", None, "B"),
              ("rep_a1", "rep", "A", None), ("rep_a2", "rep", "A", None),
              ("rep_b1", "rep", "B", None)]
    for name, role, team, leads in people:
        user = add_person(session, org.id, role, f"{label} {name}", f"{name}@{label.lower()}.test",
                          team=org.teams[team] if team else None,
                          leads=[org.teams[leads]] if leads else [])
        org.users[name] = user
        _, org.tokens[name] = issue_token(session, user)
    session.commit()
    return org


@pytest.fixture
def orgs(session):
    """Two organizations ("one" and "two") with every role in each."""
    return {"one": build_org(session, "One"), "two": build_org(session, "Two")}
