"""A HubSpot server of recorded answers, and connections of organization "one" to either CRM."""

import json

import pytest

from models import CrmConnection
from service.credentials import box_for

from .hubspot_server import HubSpotServer


@pytest.fixture
def hubspot(app):
    server = HubSpotServer()
    app.config["CRM_HUBSPOT_HOST"] = server.url
    yield server
    server.close()


@pytest.fixture
def org(orgs):
    return orgs["one"]


def connect(app, session, org, provider, secrets: dict, **extra) -> CrmConnection:
    connection = CrmConnection(org_id=org.id, provider=provider,
                               credentials=box_for(app.config).seal(json.dumps(secrets)), **extra)
    session.add(connection)
    session.commit()
    return connection


class Sleeps(list):
    """An injected sleep: the waits asked for, none taken."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def web(app, hubspot):
    """A second app on the same database for page requests (see tests/review/conftest.py), its
    HubSpot client pointed at the recorded server."""
    from service import create_app

    other = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "TESTING", "SECRET_KEY",
                                                      "COACH_ENGINE", "DEMO_DATA")},
                        "CRM_HUBSPOT_HOST": hubspot.url})
    yield other
    for thread in other.extensions.get("crm_threads", []):
        thread.join(10)
    other.extensions["db"]["engine"].dispose()
