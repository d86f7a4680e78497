"""Inputs at the edge that once answered 500 or the wrong error: each gets the error envelope with
a 4xx that says what is wrong, and nothing is stored. The fuzzer found most of them."""

import http.client
import json
import re
import threading

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from models import Team, User
from service.request_body import MAX_JSON_DEPTH


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def teams_in(session, org) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Team).where(Team.org_id == org.id))


def test_a_deeply_nested_body_is_refused_with_400(api, orgs, session):
    admin = orgs["one"].tokens["admin"]
    for body in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000):
        response = api.post("/teams", admin, data=body, content_type="application/json")
        assert "nests deeper" in error_of(response, 400)["message"]
    just_too_deep = '{"name": "x", "extra": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
    assert error_of(api.post("/teams", admin, data=just_too_deep,
                             content_type="application/json"), 400)["code"] == "bad_request"
    assert teams_in(session, orgs["one"]) == 2


@pytest.mark.parametrize("body", ['{"name": "A\\ud800B"}', '{"name": "x", "\\udfff": 1}',
                                  '{"skills": ["ok", "\\ud83d"]}'])
def test_a_lone_surrogate_in_a_body_is_refused_with_400(api, orgs, session, body):
    admin = orgs["one"].tokens["admin"]
    path = "/skills" if "skills" in body else "/teams"
    method = "PUT" if path == "/skills" else "POST"
    response = api.call(method, path, admin, data=body, content_type="application/json")
    assert "surrogate" in error_of(response, 400)["message"]
    assert teams_in(session, orgs["one"]) == 2
    # A paired surrogate is an ordinary character (here an emoji) and is stored.
    ok = api.post("/teams", admin, json={"name": "Team \U0001F680"})
    assert ok.status_code == 201 and ok.json["name"] == "Team \U0001F680"


def test_query_strings_and_paths_cannot_carry_a_surrogate(api, orgs):
    """werkzeug keeps invalid UTF-8 in a query value percent-encoded and replaces it in a path,
    so the lone surrogate a JSON body can spell never reaches a query or the database from there."""
    admin = orgs["one"].tokens["admin"]
    listed = api.get("/accounts?q=%ED%A0%80", admin)
    assert listed.status_code == 200 and listed.json["total"] == 0
    assert error_of(api.get("/accounts/%ED%A0%80", admin), 404)["code"] == "not_found"


def test_not_json_and_nan_are_refused(api, orgs):
    admin = orgs["one"].tokens["admin"]
    assert error_of(api.post("/teams", admin, data='{"name": NaN}',
                             content_type="application/json"), 400)["code"] == "bad_request"
    assert error_of(api.post("/teams", admin, data='{"name": "x"}', content_type="text/plain"),
                    415)["code"] == "unsupported_media_type"
    assert error_of(api.post("/teams", admin, data=b'{"name": "\xff"}',
                             content_type="application/json"), 400)["code"] == "bad_request"


@pytest.mark.parametrize(("method", "path"), [
    ("PATCH", "/api/v1/process"), ("PATCH", "/api/v1/review/settings"),
    ("PUT", "/api/v1/review/sessions/{sid}/reviewed"), ("POST", "/api/v1/tokens"),
    ("PATCH", "/api/v1/users/{uid}")])
def test_a_missing_required_body_is_refused_with_400(api, orgs, method, path):
    org = orgs["one"]
    path = path.format(sid=1, uid=org.users["rep_a1"].id)
    before = api.get("/process", org.tokens["admin"]).json
    error = error_of(api.call(method, path, org.tokens["admin"]), 400)
    assert error["message"] == "This needs a JSON body."
    assert api.get("/process", org.tokens["admin"]).json == before


def test_json_types_are_strict_in_bodies(api, orgs, session):
    """marshmallow reads 0 as false and 2.5 as 2; the spec says boolean and integer."""
    org = orgs["one"]
    admin = org.tokens["admin"]
    rep = org.users["rep_a1"]
    fields = error_of(api.patch(f"/users/{rep.id}", admin, json={"active": 0}), 422)["fields"]
    assert "active" in fields
    stages = [{"name": "Only", "probability": 2.5}]
    assert "stages" in error_of(api.put("/process", admin, json={"name": "P", "stages": stages}),
                                422)["fields"]
    assert "team_id" in error_of(api.patch(f"/users/{rep.id}", admin, json={"team_id": "1"}),
                                 422)["fields"]
    session.expire_all()
    assert session.get(User, rep.id).active is True
    # Query strings stay strings on the wire, read as their types.
    assert api.get("/opportunities?stalled=true&page=1", admin).status_code == 200


def test_skills_as_a_rep_is_403_before_validation_and_errors_key_list_items(api, orgs):
    org = orgs["one"]
    body = {"skills": ["a", "a", 0]}
    assert error_of(api.put("/skills", org.tokens["rep_a1"], json=body), 403)["code"] == "forbidden"
    assert error_of(api.post("/users", org.tokens["manager_a"], json={"role": 5}), 403)
    fields = error_of(api.put("/skills", org.tokens["admin"], json=body), 422)["fields"]
    assert fields["skills"]["2"] == ["Not a valid string."]
    assert "_schema" in fields["skills"]


def test_another_users_email_is_a_409_and_changes_nothing(api, orgs, session):
    org = orgs["one"]
    admin, rep = org.tokens["admin"], org.users["rep_a2"]
    taken = org.users["rep_a1"].email
    for body in ({"email": taken}, {"email": taken.upper(), "led_team_ids": []},
                 {"email": taken, "name": "Renamed", "led_team_ids": [org.teams["B"].id]}):
        error = error_of(api.patch(f"/users/{rep.id}", admin, json=body), 409)
        assert "email" in error["message"]
    session.expire_all()
    stored = session.get(User, rep.id)
    assert (stored.email, stored.name) == ("rep_a2@one.test", "One rep_a2")


def test_team_zero_is_an_unknown_team(api, orgs):
    org = orgs["one"]
    admin = org.tokens["admin"]
    user = {"name": "New", "email": "new@one.test", "role": "rep", "team_id": 0}
    assert error_of(api.post("/users", admin, json=user), 422)["fields"] == {
        "team_id": ["No team 0."]}
    rep = org.users["rep_a1"].id
    assert "team_id" in error_of(api.patch(f"/users/{rep}", admin, json={"team_id": 0}),
                                 422)["fields"]
    assert "led_team_ids" in error_of(api.patch(f"/users/{rep}", admin,
                                                json={"led_team_ids": [0]}), 422)["fields"]
    assert api.patch(f"/users/{rep}", admin, json={"team_id": None}).json["team_id"] is None


def test_any_valid_date_filters(api, orgs):
    manager = orgs["one"].tokens["manager_a"]
    for query in ("date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31"):
        listed = api.get(f"/api/v1/review/sessions?{query}", manager)
        assert listed.status_code == 200 and listed.json["total"] == 0
    export = api.get("/api/v1/review/export?date_from=0001-01-01&date_to=9999-12-31&format=json",
                     manager)
    assert export.status_code == 200 and json.loads(export.data)["sessions"] == []


def test_money_is_a_string_in_the_spec_and_in_every_answer(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    for month, closed in (("01", "4000.00"), ("02", "10000.00")):
        response = api.post("/kpis", token, json={"period_type": "month", "closed_value": closed,
                                                  "period_start": f"2024-{month}-01"})
    change = response.json["change"]["closed_value"]["absolute"]
    spec = api.get("/api/v1/openapi.json").json
    absolute = spec["components"]["schemas"]["MoneyChange"]["properties"]["absolute"]
    assert change == "6000.00" and absolute["type"] == "string"
    assert re.fullmatch(absolute["pattern"], change) and re.fullmatch(absolute["pattern"], "-5.00")
    money = [(name, prop) for name, schema in spec["components"]["schemas"].items()
             for name_, prop in schema.get("properties", {}).items() if prop.get("format") == "decimal"]
    assert len(money) >= 10
    assert all(prop["type"] in ("string", ["string", "null"]) for _, prop in money), money


def test_a_message_needs_words_or_a_quick_reply(api, orgs):
    spec = api.get("/api/v1/openapi.json").json
    body = spec["components"]["schemas"]["MessageIn"]["properties"]
    assert "choice" in body and "Required unless `choice`" in body["text"]["description"]
    token = orgs["one"].tokens["rep_a1"]
    sid = api.post("/sessions", token, json={"mode": "weekly_review"}).get_json()["id"]
    for text in ("", " \t\n"):
        refused = api.post(f"/sessions/{sid}/messages", token,
                           json={"text": text, "client_message_id": f"e{len(text)}"})
        assert refused.status_code == 422 and "text" in refused.get_json()["error"]["fields"]
    stored = api.get(f"/sessions/{sid}", token).get_json()["messages"]
    assert [m["role"] for m in stored] == ["coach"]  # nothing stored for an empty message


@pytest.fixture
def server(app):
    """The app behind werkzeug's real HTTP server: the test client never sends a chunked body."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_port
    httpd.shutdown()


def send_chunked(port: int, token: str, body: bytes):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    chunks = (body[i:i + 16384] for i in range(0, len(body), 16384))
    conn.request("POST", "/api/v1/teams", body=chunks, encode_chunked=True, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    result = response.status, json.loads(response.read())
    conn.close()
    return result


def test_a_chunked_body_past_the_limit_is_413(server, orgs, session, app):
    token = orgs["one"].tokens["admin"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    status, body = send_chunked(server, token, b'{"name": "' + b"x" * 300_000 + b'"}')
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    assert teams_in(session, orgs["one"]) == 2
    # Exactly at the limit is still read whole (then refused for its content, not its size).
    at_limit = b'{"name": "' + b"x" * (limit - 12) + b'"}'
    assert len(at_limit) == limit
    status, body = send_chunked(server, token, at_limit)
    assert status == 422 and "name" in body["error"]["fields"]
    status, body = send_chunked(server, token, b'{"name": "Chunked"}')
    assert status == 201 and body["name"] == "Chunked"
