"""Webhook on a confirmed session: queued by the rep's confirm, sent signed outside it, retried."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import requests
import responses
from sqlalchemy import select

from models import WebhookDelivery, utcnow
from service import webhooks

from .seed import add_sessions

URL = "https://hooks.example.test/coach"
SECRET = "a-secret-of-enough-length"


@pytest.fixture
def hooked(session, orgs):
    org = orgs["one"]
    org.admin.organization.webhook_url = URL
    org.admin.organization.webhook_secret = SECRET
    session.commit()
    return org


def confirm_through_api(api, session, org):
    """A rep confirms an ended session through the sessions API."""
    ended = add_sessions(session, org, 1, rep_names=("rep_a1",), status="ended")[0]
    response = api.patch(f"/sessions/{ended.id}/summary", org.tokens["rep_a1"], json={"confirmed": True})
    assert response.status_code == 200, response.text
    return ended


def due(session):
    return session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


@responses.activate
def test_confirm_queues_a_delivery_and_the_worker_sends_it_signed(api, session, hooked):
    coaching = confirm_through_api(api, session, hooked)
    assert len(responses.calls) == 0  # nothing sent inside the rep's request
    [delivery] = due(session)
    assert (delivery.session_id, delivery.status, delivery.url) == (coaching.id, "pending", URL)

    responses.add(responses.POST, URL, status=204)
    assert webhooks.deliver_due(session) == {"delivered": 1}
    sent = responses.calls[0].request
    timestamp = sent.headers["X-SalesCoach-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + sent.body, hashlib.sha256)
    assert sent.headers["X-SalesCoach-Signature"] == "sha256=" + expected.hexdigest()
    body = json.loads(sent.body)
    assert body["event"] == "session.confirmed"
    assert body["session"]["id"] == coaching.id
    assert body["session"]["summary"].startswith("Session 0 summary")
    assert "messages" not in body["session"]  # a summary, never the transcript
    session.refresh(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 1


@responses.activate
def test_failures_back_off_then_give_up_and_admins_see_them(api, session, hooked):
    confirm_through_api(api, session, hooked)
    responses.add(responses.POST, URL, status=500, body="receiver broke")
    [delivery] = due(session)
    assert webhooks.deliver_due(session) == {"pending": 1}
    session.refresh(delivery)
    wait = delivery.next_attempt_at - utcnow()
    assert delivery.attempts == 1 and delivery.last_error == "http_500"
    assert timedelta(seconds=20) < wait <= webhooks.BACKOFF
    assert webhooks.deliver_due(session) == {}  # not due yet

    later = utcnow()
    for attempt in range(2, webhooks.MAX_ATTEMPTS + 1):
        later += webhooks.backoff(attempt - 1) + timedelta(seconds=1)
        webhooks.deliver_due(session, now=later)
        session.refresh(delivery)
        assert delivery.attempts == attempt
    assert delivery.status == "failed"
    assert webhooks.backoff(2) == 2 * webhooks.BACKOFF

    listed = api.get("/api/v1/review/webhook-deliveries", hooked.tokens["admin"]).json
    assert listed["items"][0]["status"] == "failed"
    assert listed["items"][0]["last_error"] == "http_500"  # the receiver's answer is never kept
    assert api.get("/api/v1/review/webhook-deliveries", hooked.tokens["manager_a"]).status_code == 403


@responses.activate
def test_a_connection_error_is_retried(api, session, hooked):
    confirm_through_api(api, session, hooked)
    responses.add(responses.POST, URL, body=requests.ConnectionError("refused"))
    assert webhooks.deliver_due(session) == {"pending": 1}
    assert due(session)[0].last_error == "connection_error"


@responses.activate
def test_a_slow_receiver_times_out_and_is_retried_later(api, session, hooked):
    """Confirming never waits on the receiver; a timed-out POST stays pending with its error."""
    confirm_through_api(api, session, hooked)
    assert len(responses.calls) == 0  # nothing was sent inside the rep's request
    responses.add(responses.POST, URL, body=requests.ReadTimeout("read timed out"))
    assert webhooks.deliver_due(session) == {"pending": 1}
    delivery = due(session)[0]
    assert delivery.last_error == "timeout"
    assert delivery.attempts == 1


def test_no_webhook_url_queues_nothing(api, session, orgs):
    confirm_through_api(api, session, orgs["one"])
    assert due(session) == []


def test_settings_need_a_secret_with_the_url_and_never_show_it(api, hooked):
    token = hooked.tokens["admin"]
    shown = api.get("/api/v1/review/settings", token).json
    assert shown == {"time_zone": "UTC", "transcript_visibility": "full", "webhook_url": URL,
                     "webhook_secret_set": True}
    refused = api.patch("/api/v1/review/settings", hooked.tokens["manager_a"],
                        json={"transcript_visibility": "summary"})
    assert refused.status_code == 403
    cleared = api.patch("/api/v1/review/settings", token, json={"webhook_secret": None})
    assert cleared.status_code == 422 and "webhook_secret" in cleared.json["error"]["fields"]


@responses.activate
def test_the_deliver_command_sends_what_is_due(app, api, session, hooked):
    confirm_through_api(api, session, hooked)
    responses.add(responses.POST, URL, status=200)
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0 and "delivered" in result.output
    assert len(responses.calls) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook",
                                 "https://10.1.2.3/hook", "http://[::1]/hook", "http://169.254.169.254/"])
def test_webhooks_to_internal_addresses_are_refused(api, hooked, url):
    refused = api.patch("/api/v1/review/settings", hooked.tokens["admin"], json={"webhook_url": url})
    assert refused.status_code == 422 and "public address" in refused.json["error"]["message"]
