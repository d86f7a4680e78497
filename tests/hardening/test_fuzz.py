"""Fuzz the whole JSON API from its own OpenAPI spec (schemathesis), as a rep, a manager, an admin.

For valid and invalid inputs alike: no 5xx, every status, header, content type and body as the
spec says, every error in our envelope, 405 answers carry Allow, invalid data is rejected, valid
data is not refused as invalid, and a request without its token is refused. Bounded: FUZZ_EXAMPLES
positive examples per operation (half as many negative ones) and a time budget for the whole run,
so it is not a timed test but it cannot run away. Failures are collected and reported together.

A longer run, to look for what CI's misses: FUZZ_EXAMPLES=300 FUZZ_BUDGET=1800 (and FUZZ_SEED=N
for other examples than CI's fixed ones), e.g.
    FUZZ_EXAMPLES=300 FUZZ_BUDGET=1800 .venv/bin/python -m pytest tests/hardening/test_fuzz.py

No stateful phase: flask-smorest writes no OpenAPI links, and hand-written ones for every created
id would be a second copy of the routes; the fixtures seed objects of every kind instead.
"""

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as spec_checks

ROLES = ("rep_a1", "manager_a", "admin")
POSITIVE = int(os.environ.get("FUZZ_EXAMPLES", "40"))
EXAMPLES = {GenerationMode.POSITIVE: POSITIVE, GenerationMode.NEGATIVE: max(POSITIVE // 2, 1)}
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET", "240"))
SEED = int(os.environ.get("FUZZ_SEED", "0"))  # 0: the same examples every run
# Every response check schemathesis has, except five: use_after_free and
# ensure_resource_availability need the stateful phase (none here, see above); max_response_time
# would make this a timed test; ignored_auth probes by resending the case's own headers, which
# carry our valid token (tests/test_access_matrix.py sends every route without and with bad
# tokens); positive_data_acceptance counts every rule the spec cannot state (an id of another
# organization, a date before another, a mode that is a file) as a refusal of valid data.
CHECKS = [not_a_server_error, spec_checks.status_code_conformance,
          spec_checks.content_type_conformance, spec_checks.response_headers_conformance,
          spec_checks.response_schema_conformance, spec_checks.negative_data_rejection,
          spec_checks.missing_required_header,
          spec_checks.unsupported_method, spec_checks.allow_header_conformance]
# Calls that would disable the run's own callers: revoking a token, deactivating a user.
DESTRUCTIVE = {("DELETE", "/api/v1/tokens/{token_id}"), ("DELETE", "/api/v1/users/{user_id}")}


def envelope_problem(response) -> str | None:
    """Every error, documented or not, uses {"error": {"code", "message", "fields"}}."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return "error response is not JSON"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(error) != {"code", "message", "fields"}:
        return f"error response is not the envelope: {body!r:.200}"
    if response.status_code == 405 and not response.headers.get("Allow"):
        return "405 without an Allow header"
    return None


@pytest.fixture
def fuzz_schema(app, orgs):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_answers_every_generated_request_as_its_spec_says(fuzz_schema, orgs):
    tokens = {role: orgs["one"].tokens[role] for role in ROLES}
    failures: dict[str, str] = {}
    deadline = time.monotonic() + BUDGET_SECONDS
    operations = [op for op in (result.ok() for result in fuzz_schema.get_all_operations())
                  if (op.method.upper(), op.path) not in DESTRUCTIVE]
    assert len(operations) > 40

    for operation in operations:
        for mode, count in EXAMPLES.items():
            run_operation(operation, mode, count, tokens, failures, deadline)
    report = "\n".join(f"{key}: {message}" for key, message in sorted(failures.items()))
    assert not failures, f"{len(failures)} spec violations:\n{report}"


def run_operation(operation, mode, count, tokens, failures, deadline):
    @settings(max_examples=count, deadline=None, database=None, derandomize=not SEED,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        if time.monotonic() > deadline:
            return
        for role, token in tokens.items():
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            key = f"{operation.label} [{mode.value}, {role}] {response.status_code}"
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect, report all at the end
                failures.setdefault(key, _first_line(exc) + f" | {case.as_curl_command()}")
            problem = envelope_problem(response)
            if problem:
                failures.setdefault(key, problem + f" | {case.as_curl_command()}")

    if SEED:
        fuzz = seed(SEED)(fuzz)
    try:
        fuzz()
    except Unsatisfiable:  # nothing to negate (an operation without inputs)
        pass


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " / ".join(line for line in text[:6] if line.strip())[:400]


def test_every_path_answers_an_unsupported_method_with_405_and_allow(api, orgs):
    spec = api.get("/api/v1/openapi.json").json
    token = orgs["one"].tokens["admin"]
    methods = {"get", "post", "put", "patch", "delete"}
    checked = 0
    for path, item in spec["paths"].items():
        documented = methods & set(item)
        missing = sorted(methods - documented)
        if not missing:
            continue
        url = path.replace("{", "").replace("}", "")  # any id: routing answers before the view
        url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
        response = api.call(missing[0].upper(), url, token)
        assert response.status_code == 405, (path, missing[0], response.status_code)
        assert response.json["error"]["code"] == "method_not_allowed"
        allowed = {m.strip().lower() for m in response.headers["Allow"].split(",")}
        assert documented <= allowed, (path, allowed)
        checked += 1
    assert checked > 10
