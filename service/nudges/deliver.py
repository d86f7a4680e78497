"""Sending queued nudges: the webhook worker's pattern (claim, one attempt, backoff, give up).

`deliver_due` runs from `flask nudges deliver` (once, or --loop as its own process) or a thread
of the web process (NUDGE_WORKER=1). An email goes to the address the row names unless the person
turned nudge emails off or left since (then it is `skipped`); a digest goes to the team's chat
webhook as it is now set (skipped once removed), through the same checked POST as webhooks.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from models import NudgeDelivery, Team, User, utcnow

from .. import webhook_target
from ..webhooks import TIMEOUT, deliver_each, record
from . import mail
from .unsubscribe import link

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
    return record(db_session, delivery, error, mail.PERMANENT_ERRORS | webhook_target.PERMANENT_ERRORS)


def deliver_due(db_session: Session, now: datetime | None = None, limit: int = 50,
                config=None) -> dict:
    """Send every nudge that is due; returns how many ended in each status."""
    return deliver_each(db_session, NudgeDelivery, lambda s, row: send(s, row, config),
                        now or utcnow(), limit)
