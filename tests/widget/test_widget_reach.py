"""A widget token reaches only what the widget needs for its own user (access.WIDGET_REACH).

Every other /api/v1 route is walked from app.url_map with an admin's widget token and must
answer 403, so a route added later is refused to the widget until someone allows it.
"""

import re

from service.access import WIDGET_REACH
from service.widget import widget_source
from service.widget.tokens import mint
from tests.sessions.conftest import sse_events
from tests.test_access_matrix import _routes

from .conftest import ORIGIN

CALL = re.compile(r'(?:"(GET|POST|PUT|PATCH|DELETE)",\s*|(stream)\(\s*)?"(/[a-z][^"]*)"'
                  r'(?:\s*\+\s*[\w.\[\]]+(?:\s*\+\s*"([^"]*)")?)?')


def widget_token(user) -> str:
    return mint(user, ORIGIN).token


def call(api, method, path, token, **kwargs):
    return api.call(method, path, token, headers={"Origin": ORIGIN}, **kwargs)


def test_every_route_off_the_list_refuses_an_admins_widget_token(app, api, allowed):
    token = widget_token(allowed["one"].admin)
    walked = 0
    for rule, method in _routes(app):
        if method in WIDGET_REACH.get(rule.endpoint, ()):
            continue
        path = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        response = call(api, method, path, token, json={})
        assert response.status_code == 403, (method, rule.rule, response.status_code)
        assert response.json["error"]["code"] == "widget_token", (method, rule.rule)
        walked += 1
    assert walked > 40  # tokens, users, teams, widget origins, review, settings, kpis, ...


def test_a_widget_token_cannot_mint_an_api_token_or_touch_admin_routes(api, allowed):
    one = allowed["one"]
    token = widget_token(one.admin)
    assert call(api, "POST", "/tokens", token, json={"name": "forever"}).status_code == 403
    assert call(api, "GET", "/tokens", token).status_code == 403
    assert call(api, "HEAD", "/tokens", token).status_code == 403  # HEAD runs the GET view
    assert call(api, "PUT", "/api/v1/widget/origins", token, json={"origins": []}).status_code == 403
    assert call(api, "POST", "/users", token, json={
        "name": "Eve", "email": "eve@one.test", "role": "admin"}).status_code == 403
    listed = api.get("/tokens", one.tokens["admin"]).json["items"]
    assert all(t["name"] != "forever" for t in listed)
    assert api.get("/api/v1/widget/origins", one.tokens["admin"]).json["origins"] == [ORIGIN]


def test_an_admins_widget_token_sees_only_its_own_user(api, allowed):
    one = allowed["one"]
    api.post("/accounts", one.tokens["rep_a1"], json={"name": "Rep's account"})
    token = widget_token(one.admin)
    assert call(api, "GET", "/me", token).json["id"] == one.admin.id
    assert call(api, "GET", "/accounts", token).json["items"] == []
    assert api.get("/accounts", one.tokens["admin"]).json["items"] != []


def test_the_widgets_own_flow_works_with_a_widget_token(api, allowed):
    one = allowed["one"]
    rep = one.users["rep_a1"]
    account = api.post("/accounts", one.tokens["rep_a1"], json={"name": "Acme"}).json
    token = widget_token(rep)
    assert call(api, "GET", "/modes", token).status_code == 200
    assert call(api, "GET", "/accounts", token).json["items"][0]["id"] == account["id"]
    assert call(api, "GET", f"/accounts/{account['id']}", token).status_code == 200
    assert call(api, "GET", "/opportunities?status=open", token).status_code == 200
    started = call(api, "POST", "/sessions", token, json={"mode": "weekly_review"})
    assert started.status_code == 201, started.json
    sid = started.json["id"]
    reply = call(api, "POST", f"/sessions/{sid}/messages", token,
                 json={"text": "Two deals moved this week.", "client_message_id": "m-1"})
    assert reply.status_code == 200, reply.json
    streamed = api.call("POST", f"/sessions/{sid}/messages", token, json={
        "text": "One is stuck in legal.", "client_message_id": "m-2"},
        headers={"Origin": ORIGIN, "Accept": "text/event-stream"})
    assert streamed.status_code == 200 and streamed.mimetype == "text/event-stream"
    assert [e for e, _ in sse_events(streamed.get_data(as_text=True))][-1] == "done"
    assert call(api, "GET", f"/sessions/{sid}", token).status_code == 200
    assert call(api, "GET", "/sessions?status=active", token).json["items"][0]["id"] == sid
    assert call(api, "POST", f"/sessions/{sid}/end", token).status_code == 200
    added = call(api, "POST", f"/sessions/{sid}/commitments", token,
                 json={"text": "Call Acme's CFO", "due_date": "2030-01-07"})
    assert added.status_code == 201, added.json
    changed = call(api, "PATCH", f"/commitments/{added.json['id']}", token,
                   json={"text": "Call Acme's CFO on Monday"})
    assert changed.status_code == 200, changed.json
    draft = call(api, "POST", f"/sessions/{sid}/commitments", token, json={"text": "Scrap this"})
    assert call(api, "DELETE", f"/commitments/{draft.json['id']}", token).status_code == 204
    assert call(api, "GET", f"/commitments/{draft.json['id']}", token).status_code == 404
    confirmed = call(api, "PATCH", f"/sessions/{sid}/summary", token,
                     json={"summary": "Two deals moved.", "confirmed": True})
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert call(api, "GET", "/commitments", token).json["items"][0]["id"] == added.json["id"]
    # once shared, a commitment is the manager's record too: the widget cannot delete it
    refused = call(api, "DELETE", f"/commitments/{added.json['id']}", token)
    assert refused.status_code == 409 and call(api, "GET", "/commitments", token).json["total"] == 1


def test_widget_js_calls_only_what_a_widget_token_may_reach(app):
    """Every API call written in widget.js resolves to an allowed endpoint and method."""
    adapter = app.url_map.bind("coach.test")
    calls = []
    for method, stream, path, rest in CALL.findall(widget_source().decode()):
        if path == "/api/v1":
            continue
        method = method or ("POST" if stream else "GET")
        url = "/api/v1" + path.split("?")[0] + ("1" + (rest or "") if path.endswith("/") else "")
        endpoint, _ = adapter.match(url, method=method)
        calls.append((method, endpoint))
        assert method in WIDGET_REACH.get(endpoint, ()), (method, url, endpoint)
    assert len(calls) >= 12
