"""The limits as a rep meets them in the sessions API: 429 with Retry-After, 409 at the cap."""

import pytest

from service import limits
from service.coach import FakeEngine


def new_question(turn):
    """A question not asked before in the session (the guard would reject a repeat)."""
    return f"What stands out to you about turn {turn.turn_index}?"


class MeteredEngine(FakeEngine):
    """A FakeEngine that reports token usage, as the OpenAI engine does."""

    reports_usage = True

    def stream(self, turn):
        yield from super().stream(turn)
        turn.usage = {"prompt_tokens": 400, "completion_tokens": 100}


@pytest.fixture
def limited_app(app):
    app.config.update(RATE_LIMIT_TURNS="3/minute", RATE_LIMIT_SESSION_STARTS="2/hour",
                      MAX_TURNS_PER_SESSION=2, ORG_DAILY_TOKENS=100_000,
                      COACH_ENGINE_INSTANCE=MeteredEngine(default=new_question))
    app.extensions["limits"] = limits.Limits(app)
    return app


def start(api, token):
    # new: a rep may hold several sessions; here the limits are what is tested
    return api.post("/sessions", token, json={"mode": "weekly_review", "new": True})


def say(api, token, session_id, cid):
    return api.post(f"/sessions/{session_id}/messages", token,
                    json={"text": "Two meetings slipped to next week.", "client_message_id": cid})


def test_a_rep_starting_too_many_sessions_is_asked_to_wait(limited_app, api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    assert [start(api, token).status_code for _ in range(2)] == [201, 201]
    refused = start(api, token)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 60
    assert start(api, orgs["one"].tokens["rep_a2"]).status_code == 201


def test_a_rep_sending_too_fast_gets_429_and_nothing_is_stored(limited_app, api, orgs, session):
    token = orgs["one"].tokens["rep_b1"]
    first, second = start(api, token).json["id"], start(api, token).json["id"]
    assert say(api, token, first, "a").status_code == 200
    assert say(api, token, first, "b").status_code == 200
    assert say(api, token, second, "c").status_code == 200
    refused = say(api, token, second, "d")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    transcript = api.get(f"/sessions/{second}", token).json["messages"]
    assert [m["role"] for m in transcript] == ["coach", "rep", "coach"]


def test_a_session_at_its_turn_cap_asks_to_be_ended(limited_app, api, orgs):
    limited_app.config["RATE_LIMIT_TURNS"] = ""
    limited_app.extensions["limits"] = limits.Limits(limited_app)
    token = orgs["one"].tokens["rep_a1"]
    sid = start(api, token).json["id"]
    assert [say(api, token, sid, c).status_code for c in "ab"] == [200, 200]
    capped = say(api, token, sid, "c")
    assert capped.status_code == 409 and capped.json["error"]["code"] == "turn_limit"


def test_the_organization_stops_when_todays_tokens_are_spent(limited_app, api, orgs, session):
    limited_app.config["ORG_DAILY_TOKENS"] = 1200
    limited_app.extensions["limits"] = limits.Limits(limited_app)
    one = orgs["one"].tokens
    sid = start(api, one["rep_a1"]).json["id"]  # the opening: 500 tokens
    assert say(api, one["rep_a1"], sid, "a").status_code == 200  # 1000
    assert say(api, one["rep_a1"], sid, "b").status_code == 200  # 1500: over 1200 now
    other = start(api, one["rep_a2"])
    assert other.status_code == 201  # starting a session is not a model call the budget refuses
    refused = say(api, one["rep_a2"], other.json["id"], "x")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "token_budget_exhausted"
    assert "midnight UTC" in refused.json["error"]["message"]
    assert int(refused.headers["Retry-After"]) <= 24 * 3600
    two = orgs["two"].tokens["rep_a1"]  # another organization is not affected
    assert say(api, two, start(api, two).json["id"], "y").status_code == 200
    with limited_app.app_context():
        assert limits.tokens_used_today(orgs["one"].id) == 2000
