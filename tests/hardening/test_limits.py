"""Limits: per-user rate limits, the session turn cap, the organization's daily tokens.

Each runs against in-process counters and against a real redis-server (REDIS_URL), through a
probe route that calls the functions the sessions views call.
"""

import pytest
from flask import g, request

from service import create_app, limits, token_usage
from service.auth import authenticate
from service.db import db


def add_probe(app):
    """A route doing what the sessions views do: authenticate, then the checks."""

    def probe():
        authenticate()
        body = request.get_json(silent=True) or {}
        kind = body.get("kind", "turn")
        if kind == "turn":
            limits.check_org_tokens(g.user.org_id)
            limits.check_turn(g.user)
            limits.check_session_turns(body.get("turns", 0))
        else:
            limits.check_session_start(g.user)
        if body.get("charge"):
            token_usage.charge_tokens(db.session, g.user.org_id, body["charge"])
            db.session.commit()
        return {"ok": True}

    app.add_url_rule("/probe", "probe", probe, methods=["POST"])
    return app


@pytest.fixture(params=["memory", "redis"])
def limited(request, database_url, make_app):
    """An app with small limits, counting in memory or in a real Redis."""
    config = {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k",
              "COACH_ENGINE": "guided", "RATE_LIMIT_TURNS": "3/minute",
              "RATE_LIMIT_SESSION_STARTS": "2/hour",
              "MAX_TURNS_PER_SESSION": 4, "ORG_DAILY_TOKENS": 1000}
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        config["REDIS_URL"] = server.url
        from redis import Redis
        Redis.from_url(server.url).flushdb()
    return add_probe(make_app(config))


def post(app, token, **body):
    return app.test_client().post("/probe", json=body, headers={"Authorization": f"Bearer {token}"})


def test_turns_past_the_rate_answer_429_with_retry_after(limited, orgs):
    token = orgs["one"].tokens["rep_a1"]
    assert [post(limited, token).status_code for _ in range(3)] == [200, 200, 200]
    refused = post(limited, token)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert "Try again in" in refused.json["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Another rep is not slowed down by the first one.
    assert post(limited, orgs["one"].tokens["rep_a2"]).status_code == 200


def test_session_starts_are_limited_per_user(limited, orgs):
    token = orgs["one"].tokens["rep_b1"]
    assert [post(limited, token, kind="session").status_code for _ in range(3)] == [200, 200, 429]
    assert int(post(limited, token, kind="session").headers["Retry-After"]) > 60
    assert post(limited, orgs["two"].tokens["rep_b1"], kind="session").status_code == 200


def test_a_session_stops_taking_turns_at_its_cap(limited, orgs):
    token = orgs["one"].tokens["rep_a1"]
    assert post(limited, token, turns=3).status_code == 200
    response = post(limited, token, turns=4)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "turn_limit"
    assert "End it and start a new one" in response.json["error"]["message"]


def test_an_organization_stops_at_its_daily_tokens(limited, orgs):
    one, two = orgs["one"].tokens, orgs["two"].tokens
    assert post(limited, one["rep_a1"], charge=600).status_code == 200
    assert post(limited, one["rep_a2"], charge=600).status_code == 200
    refused = post(limited, one["rep_b1"])
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "token_budget_exhausted"
    assert int(refused.headers["Retry-After"]) <= 24 * 3600
    assert post(limited, two["rep_a1"]).status_code == 200  # the other organization is untouched
    with limited.app_context():
        assert limits.tokens_used_today(orgs["one"].id) == 1200


def test_counters_are_shared_between_app_instances_through_redis(redis_server, database_url, orgs,
                                                                 make_app):
    config = {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k",
              "REDIS_URL": redis_server.url, "RATE_LIMIT_TURNS": "2/minute"}
    from redis import Redis
    Redis.from_url(redis_server.url).flushdb()
    first, second = add_probe(make_app(config)), add_probe(make_app(config))
    token = orgs["one"].tokens["rep_a1"]
    assert post(first, token).status_code == 200
    assert post(second, token).status_code == 200
    assert post(first, token).status_code == 429  # two "workers", one limit


def test_limits_fail_open_when_redis_is_down(database_url, orgs, caplog, make_app):
    from .redisserver import RedisServer, redis_available
    if not redis_available():
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    with server:
        app = add_probe(make_app({"DATABASE_URL": database_url, "TESTING": True,
                                    "SECRET_KEY": "k", "REDIS_URL": server.url,
                                    "RATE_LIMIT_TURNS": "1/minute"}))
        server.stop()
        token = orgs["one"].tokens["rep_a1"]
        assert [post(app, token).status_code for _ in range(3)] == [200, 200, 200]
    assert "rate-limit storage unavailable" in caplog.text


def test_limits_read_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("RATE_LIMIT_TURNS", "7/second")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "123")
    monkeypatch.setenv("ORG_DAILY_TOKENS", "0")
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["MAX_MESSAGE_CHARS"] == 123
    assert str(app.extensions["limits"].turns) == "7 per 1 second"
    assert app.extensions["limits"].org_daily_tokens == 0
