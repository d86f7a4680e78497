"""The review pages for a rep with no quota set (0) or no figures at all: 200, said plainly."""

import pytest
from werkzeug.security import generate_password_hash

from tests.review.conftest import login
from tests.sessions.test_no_quota import post_snapshot

PASSWORD = "a long manager password"


@pytest.fixture
def manager(web, orgs, session):
    user = orgs["one"].users["manager_a"]
    user.password_hash = generate_password_hash(PASSWORD)
    session.commit()
    client = web.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("latest", [{"closed_value": "20000", "quota": "0"},
                                    {"closed_value": "20000"}, {}])
def test_dashboard_and_ask_now_say_no_quota_set(api, orgs, manager, latest):
    token = orgs["one"].tokens["rep_a1"]
    post_snapshot(api, token, {"closed_value": "52000", "pipeline_value": "90000"}, back=2)
    post_snapshot(api, token, latest, back=1)
    dashboard = manager.get("/review/")
    assert dashboard.status_code == 200
    assert "no quota set" in dashboard.text
    asked = manager.get("/review/ask-now")
    assert asked.status_code == 200
    assert "Closed value down" in asked.text and "No quota set." in asked.text
    data = api.get("/api/v1/review/ask-now", orgs["one"].tokens["manager_a"])
    assert data.status_code == 200
    drops = [i for i in data.get_json()["items"] if i["kind"] == "kpi_drop"]
    assert [i["detail"].endswith("No quota set.") for i in drops if "Closed" in i["title"]] == [
        True]
