"""CORS only for allowed origins, the widget script, and the demo page only in demo mode."""

import pytest

from service import create_app
from tests.widget.conftest import ORIGIN


def preflight(api, origin, path="/api/v1/sessions"):
    return api.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "authorization,content-type"})


def test_preflight_from_an_allowed_origin(api, allowed):
    response = preflight(api, ORIGIN)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    for header in ("authorization", "content-type", "accept"):
        assert header in allowed_headers
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]
    assert "Origin" in response.headers["Vary"]


def test_preflight_from_any_other_origin_gets_no_allow_header(api, allowed):
    response = preflight(api, "https://evil.test")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_responses_carry_the_allow_header_only_for_the_callers_own_origins(api, allowed):
    rep = allowed["one"].tokens["rep_a1"]
    ok = api.get("/me", rep, headers={"Origin": ORIGIN})
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    refused = api.get("/me", rep, headers={"Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    other_org = api.get("/me", allowed["two"].tokens["rep_b1"], headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in other_org.headers


def test_an_unauthenticated_error_is_readable_by_an_allowed_page(api, allowed):
    response = api.get("/me", "wt_expired", headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_pages_outside_the_api_get_no_cors_headers(api, allowed):
    response = api.get("/healthz", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_widget_script_is_served_as_javascript(api):
    response = api.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    source = response.get_data(as_text=True)
    assert "SalesCoach" in source and "attachShadow" in source
    assert "innerHTML" not in source  # model and rep text only ever go in as text
    # a budget: it loads on every page of the host app (40k before the end view grew, issue 11)
    assert len(response.get_data()) < 72_000


def test_the_demo_page_is_absent_unless_demo_data_is_on(api):
    assert api.get("/demo").status_code == 404
    assert api.post("/demo/token").status_code == 404


@pytest.fixture
def demo_app(database_url, session, tmp_path):
    """A second app with DEMO_DATA on over the same database (its engine closed afterwards)."""
    from service.demo import load_demo

    load_demo(session, str(tmp_path))
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-key",
                      "DEMO_DATA": True, "COACH_ENGINE": "guided"})
    yield app
    app.extensions["db"]["engine"].dispose()


def test_the_demo_page_embeds_the_widget_with_a_token(app, demo_app):
    client = demo_app.test_client()
    page = client.get("/demo?rep=sam", base_url="http://127.0.0.1:5000")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sam Slipping" in html and 'id="demo-widget-config"' in html and "Contoso global rollout" in html
    token = client.post("/demo/token?rep=sam", base_url="http://127.0.0.1:5000").json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}",
                                            "Origin": "http://127.0.0.1:5000"})
    assert me.json["name"] == "Sam Slipping"
    elsewhere = client.get("/demo", base_url="http://127.0.0.1:5999").get_data(as_text=True)
    assert "not one of Northwind Demo" in elsewhere and "demo-widget-config" not in elsewhere
