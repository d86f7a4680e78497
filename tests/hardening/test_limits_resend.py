"""Resends are free: a message stored earlier and sent again with its client_message_id is not
charged to the rate limit nor counted against the session's turn cap, and a request the
database refused (503) charges nothing."""

import pytest

from service import limits
from service.coach import EngineUnavailable, FakeEngine

from .test_faults import hold_write_lock

QUESTION = "What stands out to you in your week so far?"
AGAIN = "So two meetings slipped. What made them slip?"  # a new question: a repeat is rejected


@pytest.fixture
def engine():
    return FakeEngine(default=QUESTION)


@pytest.fixture
def limited(app, engine):
    def configure(**config):
        app.config.update({"RATE_LIMIT_TURNS": "", "MAX_TURNS_PER_SESSION": 0,
                           "COACH_ENGINE_INSTANCE": engine, **config})
        app.extensions["limits"] = limits.Limits(app)
        return app
    return configure


def start(api, token):
    response = api.post("/sessions", token, json={"mode": "weekly_review"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def say(api, token, sid, cid):
    return api.post(f"/sessions/{sid}/messages", token,
                    json={"text": "Two meetings slipped to next week.", "client_message_id": cid})


def test_the_last_allowed_turn_that_failed_at_the_model_can_be_resent(limited, engine, api,
                                                                       orgs):
    limited(MAX_TURNS_PER_SESSION=2)
    token = orgs["one"].tokens["rep_a1"]
    sid = start(api, token)
    assert say(api, token, sid, "a").status_code == 200
    engine.enqueue(EngineUnavailable("the model is down"), AGAIN)
    assert say(api, token, sid, "b").status_code == 503  # the second and last turn: stored
    resent = say(api, token, sid, "b")
    assert resent.status_code == 200, resent.get_json()
    assert resent.get_json()["reply"]["text"] == AGAIN
    assert say(api, token, sid, "b").status_code == 200  # and again: the stored reply
    capped = say(api, token, sid, "c")
    assert capped.status_code == 409 and capped.get_json()["error"]["code"] == "turn_limit"


def test_a_resend_after_a_model_failure_is_not_rate_limited(limited, engine, api, orgs):
    limited(RATE_LIMIT_TURNS="2/minute")
    token = orgs["one"].tokens["rep_a1"]
    sid = start(api, token)
    assert say(api, token, sid, "a").status_code == 200
    engine.enqueue(EngineUnavailable("the model is down"), EngineUnavailable("still down"))
    assert say(api, token, sid, "b").status_code == 503  # the second turn of the minute
    assert say(api, token, sid, "b").status_code == 503  # a resend: free, the model fails again
    resent = say(api, token, sid, "b")
    assert resent.status_code == 200, resent.get_json()
    refused = say(api, token, sid, "c")  # a new message is the third turn: refused
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"


def test_a_resend_of_an_answered_message_is_not_rate_limited(limited, engine, api, orgs):
    limited(RATE_LIMIT_TURNS="2/minute")
    token = orgs["one"].tokens["rep_a1"]
    sid = start(api, token)
    first = say(api, token, sid, "a").get_json()
    assert say(api, token, sid, "b").status_code == 200
    calls = len(engine.history)
    for _ in range(3):  # a flaky network: the client sends it again and again
        again = say(api, token, sid, "a")
        assert again.status_code == 200
        assert again.get_json()["reply"]["id"] == first["reply"]["id"]
    assert len(engine.history) == calls  # the stored reply, no model call
    assert say(api, token, sid, "c").status_code == 429


def test_a_request_the_database_refused_charges_nothing(limited, api, orgs, database_url, app):
    limited(RATE_LIMIT_TURNS="2/minute")
    token = orgs["one"].tokens["rep_a1"]
    sid = start(api, token)
    release = hold_write_lock(app, database_url)
    try:
        locked = say(api, token, sid, "a")
    finally:
        release()
    assert locked.status_code == 503 and locked.get_json()["error"]["code"] == "unavailable"
    assert say(api, token, sid, "a").status_code == 200  # still two turns left this minute
    assert say(api, token, sid, "b").status_code == 200
    assert say(api, token, sid, "c").status_code == 429
