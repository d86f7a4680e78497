"""Every /api/v1 endpoint, every role, against another team's and another organization's objects.

The endpoints come from app.url_map and their bodies from the OpenAPI spec, so an endpoint added
later is walked too. A path parameter this file cannot fill fails the test until a factory for
it is added to `foreign_world` (or the route is listed in EXCEPTIONS with the reason).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import Account, ImportJob, ImportRejection, KpiSnapshot, Opportunity, SessionAssignment
from service.api_tokens import issue_token
from service.world import account_with_deals, past_session, skills, stages_of

MARK = "QQforeignQQ"
EXCEPTIONS = {"/api/v1/openapi.json": "the public API description; holds no one's data"}
WRITES = ("POST", "PUT", "PATCH")


def foreign_world(session, org, rep_key: str) -> dict:
    """One of every rep-owned object, belonging to org.users[rep_key], marked with MARK."""
    rep = org.users[rep_key]
    stages = stages_of(session, org.id)
    opp, = account_with_deals(session, org.id, rep.id, f"{MARK} account", {
        "name": f"{MARK} deal", "amount": Decimal("777.00"), "next_step": MARK})
    opp.move_to_stage(stages[0], rep.id)
    coaching = past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                            summary=MARK, help_asked=MARK, messages=[{"role": "rep", "text": MARK}],
                            commitments=[{"text": MARK, "due_date": date.today() + timedelta(days=3)}],
                            note=(org.admin.id, MARK))
    kpi = KpiSnapshot(org_id=org.id, rep_id=rep.id, period_start=date(2024, 1, 1),
                      closed_value=Decimal("777.00"))
    assessment = skills(session, org.id, rep.id, {"closing": (3, MARK)})
    token, _ = issue_token(session, rep, MARK)
    assignment = SessionAssignment(org_id=org.id, rep_id=rep.id, assigned_by_id=org.admin.id,
                                   mode="weekly_review", note=MARK)
    job = ImportJob(org_id=org.id, kind="accounts", filename=f"{MARK}.csv", created_by_id=org.admin.id,
                    status="done", rejections=[ImportRejection(row_number=2, reason=MARK, raw={"a": MARK})])
    session.add_all([kpi, assignment, job])
    session.commit()
    commitment, note = coaching.commitments[0], coaching.notes[0]
    return {
        "account_id": opp.account_id, "opportunity_id": opp.id, "session_id": coaching.id,
        "commitment_id": commitment.id, "note_id": note.id, "kpi_id": kpi.id,
        "assessment_id": assessment.id, "token_id": token.id, "user_id": rep.id,
        "rep_id": rep.id, "owner_id": rep.id, "team_id": rep.team_id, "stage_id": stages[0].id,
        "message_id": coaching.messages[0].id, "assignment_id": assignment.id,
        "job_id": job.id,
        "_secrets": [MARK, rep.email],
    }


def _example(spec: dict, schema: dict, world: dict, depth: int = 0):
    """A minimal valid value for an OpenAPI schema; ids point at the foreign world."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        body = {name: _example(spec, props[name], world, depth + 1)
                for name in schema.get("required", []) if name in props}
        body.update({name: world[name] for name in props
                     if name in world and not props[name].get("readOnly")})
        return body
    if kind == "array":
        return [_example(spec, schema.get("items", {}), world, depth + 1)] if depth < 4 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    return {"date": "2030-01-07", "date-time": "2030-01-07T10:00:00+00:00",
            "email": "someone@example.test", "decimal": "10.00"}.get(fmt, "closing weekly review")


def _routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in EXCEPTIONS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _request(api, app, spec, rule, method, token, world):
    unknown = [a for a in rule.arguments if a not in world]
    assert not unknown, (f"{rule.rule}: add a factory for {unknown} to foreign_world "
                         "or list the route in EXCEPTIONS")
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(world[name])).replace(f"<{name}>", str(world[name]))
    op = spec["paths"].get(path_template(rule), {}).get(method.lower(), {})
    query = {}
    for param in op.get("parameters", []):
        if param["in"] == "query" and param["name"] in world:
            query[param["name"]] = world[param["name"]]
        elif param["in"] == "query" and param.get("required"):
            query[param["name"]] = _example(spec, param.get("schema", {}), world)
    body = None
    if method in WRITES:
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get(
            "schema", {"type": "object"})
        body = _example(spec, schema, world)
    return api.call(method, path, token, query_string=query, json=body), body


def path_template(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
    return path


SCENARIOS = [  # (caller in org one, whose objects)
    ("rep_a1", "teammate"), ("rep_a1", "other_team"), ("manager_a", "other_team"),
    ("rep_a1", "other_org"), ("manager_a", "other_org"), ("admin", "other_org"),
]
# An admin reads and writes their whole organization, so an admin against another team of the
# same organization is not a refusal case (tests/api cover admins acting for reps).


@pytest.mark.parametrize(("caller", "target"), SCENARIOS)
def test_no_endpoint_shows_or_changes_objects_out_of_reach(app, api, orgs, session, caller, target):
    org, owner = {"teammate": ("one", "rep_a2"), "other_team": ("one", "rep_b1"),
                  "other_org": ("two", "rep_a1")}[target]
    world = foreign_world(session, orgs[org], owner)
    if target == "teammate":  # the shared team is the caller's own: point at one they are not in
        world["team_id"] = orgs["one"].teams["B"].id
    spec = app.extensions["api"].spec.to_dict()
    token = orgs["one"].tokens[caller]
    failures = []
    for rule, method in _routes(app):
        response, body = _request(api, app, spec, rule, method, token, world)
        text = response.get_data(as_text=True)
        leaked = [s for s in world["_secrets"] if s in text]
        if leaked:
            failures.append(f"{method} {rule.rule} -> {response.status_code} leaked {leaked}")
        elif rule.arguments and response.status_code not in (403, 404):
            failures.append(f"{method} {rule.rule} -> {response.status_code}, want 403/404")
        elif response.status_code >= 500:
            failures.append(f"{method} {rule.rule} -> {response.status_code}")
        elif not rule.arguments and method == "GET" and response.status_code not in (200, 403):
            failures.append(f"GET {rule.rule} -> {response.status_code}, want 200 without theirs")
        elif (not rule.arguments and method in WRITES and _refers(body, world)
              and response.status_code < 300):
            failures.append(f"{method} {rule.rule} with {body} -> {response.status_code}")
        if response.status_code >= 400:
            assert set(response.json["error"]) == {"code", "message", "fields"}, rule.rule
    assert not failures, "\n".join(failures)
    assert session.get(Opportunity, world["opportunity_id"]).name == f"{MARK} deal"
    assert session.get(Account, world["account_id"]) is not None
    assert session.get(KpiSnapshot, world["kpi_id"]) is not None


def _refers(body, world) -> bool:
    """Whether a generated body points at a foreign object (an id, or a list of them)."""
    ids = {v for k, v in world.items() if not k.startswith("_")}
    if isinstance(body, dict):
        return any(k in world and v in ids for k, v in body.items()) or any(
            _refers(v, world) for v in body.values())
    if isinstance(body, list):
        return any(_refers(v, world) for v in body)
    return False


def test_every_api_route_is_walked_or_excused(app, orgs, session):
    """The walk covers what the url_map has; exceptions must still exist (no stale excuses)."""
    rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")}
    assert set(EXCEPTIONS) <= rules
    walked = {rule.rule for rule, _ in _routes(app)}
    assert walked | set(EXCEPTIONS) == rules
    assert {"/api/v1/accounts/<int:account_id>", "/api/v1/kpis/<int:kpi_id>"} <= walked


def test_malformed_json_is_400_in_the_envelope(api, orgs):
    response = api.post("/accounts", orgs["one"].tokens["rep_a1"], data="{not json",
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_wrong_method_is_405_with_allow(api, orgs):
    response = api.put("/accounts", orgs["one"].tokens["rep_a1"], json={})
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_oversized_body_is_413(api, orgs):
    body = '{"name": "' + "x" * (300 * 1024) + '"}'
    response = api.post("/accounts", orgs["one"].tokens["rep_a1"], data=body,
                        content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_missing_unknown_and_revoked_tokens_are_401(api, orgs, session):
    assert api.get("/accounts").json["error"]["code"] == "unauthorized"
    assert api.get("/accounts", "sc_not-a-real-token").status_code == 401
    one = orgs["one"]
    token, plain = issue_token(session, session.merge(one.users["rep_a1"]), "laptop")
    session.commit()
    assert api.get("/accounts", plain).status_code == 200
    assert api.delete(f"/tokens/{token.id}", one.tokens["rep_a1"]).status_code == 204
    response = api.get("/accounts", plain)
    assert response.status_code == 401
    assert response.json["error"]["message"] == "The token is unknown, expired or revoked."


def test_a_team_of_another_organization_stays_out_of_reach_even_when_linked(api, orgs, session):
    """A manager linked to another organization's team (a bad import, a hand-made fix in the
    database) still sees only their own organization's teams."""
    manager, foreign = orgs["one"].users["manager_a"], orgs["two"].teams["B"]
    manager.led_teams.append(foreign)
    session.commit()
    token = orgs["one"].tokens["manager_a"]
    listed = [t["id"] for t in api.get("/teams", token).json["items"]]
    assert listed == [orgs["one"].teams["A"].id]
    assert api.get(f"/teams/{foreign.id}", token).status_code == 404
