"""Sending queued nudges: the webhook worker's pattern (claim, one attempt, backoff, give up).

`deliver_due` runs from `flask nudges deliver` (once, or --loop as its own process) or a thread
of the web process (NUDGE_WORKER=1). An email goes to the address the row names unless the person
turned nudge emails off or left since (then it is `skipped`); a digest goes to the team's chat
webhook as it is now set (skipped once removed), through the same checked POST as webhooks.
"""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import NudgeDelivery, Team, User, utcnow

from .. import webhook_target
from ..webhooks import MAX_ATTEMPTS, TIMEOUT, backoff, claim
from . import mail
from .unsubscribe import link

log = logging.getLogger(__name__)
USER_AGENT = "SalesCoach-Nudges/1"


def _email(db_session: Session, delivery: NudgeDelivery, config) -> str | None:
    """Send the email; None when it is no longer wanted."""
    user = db_session.get(User, delivery.user_id)
    if user is None or not user.active or not user.nudge_emails:
        return None
    unsubscribe = link(config["PUBLIC_URL"].rstrip("/"), config["SECRET_KEY"], user)
    msg = mail.message(config["MAIL_FROM"], delivery.recipient, delivery.subject, delivery.body,
                       unsubscribe)
    db_session.commit()  # hold no transaction open across the network call
    return mail.send(config["SMTP_URL"], msg, config["SMTP_TIMEOUT"])


def _chat(db_session: Session, delivery: NudgeDelivery, config) -> str | None:
    team = db_session.get(Team, delivery.team_id)
    if team is None or not team.chat_webhook_url:
        return None
    delivery.recipient = team.chat_webhook_url
    db_session.commit()
    return webhook_target.post(team.chat_webhook_url, delivery.body.encode(),
                               {"Content-Type": "application/json", "User-Agent": USER_AGENT},
                               TIMEOUT, allow_internal=config["WEBHOOK_ALLOW_INTERNAL"])


def send(db_session: Session, delivery: NudgeDelivery, config=None) -> str:
    """One attempt: delivered, skipped, pending (with the next try) or failed."""
    config = config or current_app.config
    error = (_email if delivery.channel == "email" else _chat)(db_session, delivery, config)
    if error is None:
        delivery.status = "skipped"
        db_session.commit()
        return delivery.status
    delivery.attempts += 1
    delivery.last_error = error
    permanent = mail.PERMANENT_ERRORS | webhook_target.PERMANENT_ERRORS
    if not error:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    elif delivery.attempts >= MAX_ATTEMPTS or error in permanent:
        delivery.status = "failed"
        log.warning("nudge %s gave up after %s attempts: %s", delivery.key, delivery.attempts, error)
    else:
        delivery.status, delivery.next_attempt_at = "pending", utcnow() + backoff(delivery.attempts)
    db_session.commit()
    return delivery.status


def deliver_due(db_session: Session, now: datetime | None = None, limit: int = 50,
                config=None) -> dict:
    """Send every nudge that is due; returns how many ended in each status."""
    now = now or utcnow()
    due = db_session.scalars(
        select(NudgeDelivery).where(NudgeDelivery.status.in_(("pending", "sending")),
                                    NudgeDelivery.next_attempt_at <= now)
        .order_by(NudgeDelivery.next_attempt_at).limit(limit)).all()
    counts: dict[str, int] = {}
    for delivery in due:
        if claim(db_session, delivery, now):
            status = send(db_session, delivery, config)
            counts[status] = counts.get(status, 0) + 1
    return counts
