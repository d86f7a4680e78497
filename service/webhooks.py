"""Webhook on a confirmed session: a signed JSON summary POSTed to the organization's URL.

The rep's request only adds a WebhookDelivery row (`enqueue_session_confirmed`); sending happens
outside it, in `deliver_due`, run by `flask webhooks deliver` (once, or --loop in its own process)
or by an in-process worker thread when WEBHOOK_WORKER=1. Failures retry with exponential backoff
(30 s, 1 min, 2 min ... capped at 1 h) and give up after MAX_ATTEMPTS (at once for a target that is
internal or malformed); admins see every delivery with a short error class, never the receiver's
answer. Where a webhook may go is checked in `webhook_target`, at every delivery.

Signature: X-SalesCoach-Signature: sha256=HEX(HMAC_SHA256(secret, f"{timestamp}.{raw body}")),
with the Unix time in X-SalesCoach-Timestamp (receivers reject old timestamps to stop replays).
"""

import hashlib
import hmac
import json
import logging
import threading
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import CoachingSession, Opportunity, Organization, User, WebhookDelivery, utcnow

from .webhook_target import PERMANENT_ERRORS, post

log = logging.getLogger(__name__)
BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)  # a crashed sender's claim expires, and the delivery is retried
TIMEOUT = 10
USER_AGENT = "SalesCoach-Webhook/1"


def enqueue_session_confirmed(db_session: Session, coaching_session: CoachingSession):
    """Queue the webhook for a session the rep just confirmed (the caller commits)."""
    org = db_session.get(Organization, coaching_session.org_id)
    if org is None or not org.webhook_url or coaching_session.status != "confirmed":
        return None
    delivery = WebhookDelivery(org_id=org.id, session_id=coaching_session.id, url=org.webhook_url,
                               status="pending", next_attempt_at=utcnow())
    db_session.add(delivery)
    return delivery


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def payload(db_session: Session, delivery: WebhookDelivery) -> dict:
    coaching = db_session.get(CoachingSession, delivery.session_id)
    rep = db_session.get(User, coaching.rep_id)
    opp = db_session.get(Opportunity, coaching.opportunity_id) if coaching.opportunity_id else None
    return {
        "event": "session.confirmed", "delivery_id": delivery.id, "organization_id": delivery.org_id,
        "session": {
            "id": coaching.id, "mode": coaching.mode,
            "rep": {"id": rep.id, "name": rep.name, "email": rep.email},
            "opportunity": {"id": opp.id, "name": opp.name} if opp else None,
            "started_at": coaching.started_at.isoformat(),
            "confirmed_at": coaching.confirmed_at.isoformat() if coaching.confirmed_at else None,
            "summary": coaching.summary, "help_asked": coaching.help_asked,
            "commitments": [{"id": c.id, "text": c.text, "kind": c.kind, "status": c.status,
                             "measure": c.measure,
                             "due_date": c.due_date.isoformat() if c.due_date else None}
                            for c in coaching.commitments if c.confirmed],
            "metrics": coaching.metrics or {},
        },
        "review_path": f"/review/sessions/{coaching.id}",
    }


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim(db_session: Session, delivery, now: datetime) -> bool:
    """Take a due delivery (a webhook's or a nudge's: same columns) so no other worker sends it
    at the same time."""
    model = type(delivery)
    claimed = db_session.execute(
        update(model)
        .where(model.id == delivery.id, model.next_attempt_at == delivery.next_attempt_at,
               model.status.in_(("pending", "sending")))
        .values(status="sending", next_attempt_at=now + LEASE))
    db_session.commit()
    return claimed.rowcount == 1


def send(db_session: Session, delivery: WebhookDelivery, now: datetime | None = None) -> str:
    """One attempt: POST, then record delivered, pending (with the next try) or failed."""
    now = now or utcnow()
    org = db_session.get(Organization, delivery.org_id)
    body = json.dumps(payload(db_session, delivery), separators=(",", ":")).encode()
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-SalesCoach-Event": "session.confirmed", "X-SalesCoach-Delivery": str(delivery.id),
               "X-SalesCoach-Timestamp": timestamp}
    if org.webhook_secret:
        headers["X-SalesCoach-Signature"] = sign(org.webhook_secret, timestamp, body)
    db_session.commit()  # hold no transaction open across the network call
    error = post(delivery.url, body, headers, TIMEOUT,
                 allow_internal=current_app.config["WEBHOOK_ALLOW_INTERNAL"])
    return record(db_session, delivery, error, PERMANENT_ERRORS)


def record(db_session: Session, delivery, error: str, permanent: frozenset) -> str:
    """After one attempt at a delivery (webhook or nudge): delivered, pending with the next try
    (backoff), or failed once MAX_ATTEMPTS are spent or the error is one a retry cannot mend."""
    delivery.attempts += 1
    delivery.last_error = error
    if not error:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    elif delivery.attempts >= MAX_ATTEMPTS or error in permanent:
        delivery.status = "failed"
        log.warning("%s %s gave up after %s attempts: %s", type(delivery).__name__, delivery.id,
                    delivery.attempts, error)
    else:
        delivery.status, delivery.next_attempt_at = "pending", utcnow() + backoff(delivery.attempts)
    db_session.commit()
    return delivery.status


def deliver_each(db_session: Session, model, send_one, now: datetime, limit: int) -> dict:
    """Claim and send (`send_one(db_session, row)`) every due row of `model`, oldest due first;
    returns how many ended in each status."""
    due = db_session.scalars(
        select(model).where(model.status.in_(("pending", "sending")), model.next_attempt_at <= now)
        .order_by(model.next_attempt_at).limit(limit)).all()
    counts: dict[str, int] = {}
    for delivery in due:
        if claim(db_session, delivery, now):
            status = send_one(db_session, delivery)
            counts[status] = counts.get(status, 0) + 1
    return counts


def deliver_due(db_session: Session, now: datetime | None = None, limit: int = 50) -> dict:
    """Send every delivery that is due; returns how many ended in each status."""
    return deliver_each(db_session, WebhookDelivery, send, now or utcnow(), limit)


def run_worker(app: Flask, interval: float, stop: threading.Event, deliver=None) -> None:
    """Poll for due deliveries (`deliver`: webhooks' by default, or the nudges') until stopped;
    each round has its own database session."""
    deliver = deliver or deliver_due
    while not stop.is_set():
        with app.app_context():
            db_session = app.extensions["db"]["sessionmaker"]()
            try:
                deliver(db_session)
            except Exception:  # noqa: BLE001 - keep the worker alive; the next round retries
                log.exception("delivery worker round failed")
            finally:
                db_session.close()
        stop.wait(interval)


webhooks_cli = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep polling (run it as its own process).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def deliver_command(loop, interval):
    """Send the webhook deliveries that are due (once, or forever with --loop)."""
    from flask import current_app

    from .db import db

    if loop:
        run_worker(current_app._get_current_object(), interval, threading.Event())
        return
    click.echo(f"deliveries: {deliver_due(db.session) or 'none due'}")


def init_app(app: Flask) -> None:
    from .sessions.turn import confirm_hooks

    if enqueue_session_confirmed not in confirm_hooks:  # the rep's confirm queues the delivery
        confirm_hooks.append(enqueue_session_confirmed)
    app.cli.add_command(webhooks_cli)
    if app.config["WEBHOOK_WORKER"] and not app.config.get("TESTING"):
        stop = threading.Event()
        app.extensions["webhook_worker"] = stop
        threading.Thread(target=run_worker, args=(app, 5.0, stop), daemon=True,
                         name="webhook-worker").start()


__all__ = ["backoff", "claim", "deliver_due", "deliver_each", "enqueue_session_confirmed", "record",
           "run_worker", "send", "sign"]
