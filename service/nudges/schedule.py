"""Which nudges are due, queued once each (no Flask: `flask nudges run` calls it with the config).

A rep's reminder is due on their own date (User.time_zone) once it is NUDGE_HOUR there, so an
hourly run reaches each rep in their morning; a day given explicitly is everyone's date. Digests
are due on NUDGE_DIGEST_WEEKDAY (1 = Monday, UTC) and cover the seven days before. Every nudge has
a key (kind:receiver:date or week) that is unique in the table: a second run adds nothing.
"""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Commitment, NudgeDelivery, Team, User, utcnow

from . import formats
from .digest import digest, rep_due, week_of
from .unsubscribe import link


def local_now(user: User, now: datetime) -> datetime:
    try:
        return now.astimezone(ZoneInfo(user.time_zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return now


def _links(config: dict) -> formats.Links:
    return formats.Links(base=config["PUBLIC_URL"].rstrip("/"), coach=config.get("NUDGE_COACH_URL", ""))


def enqueue(session: Session, config: dict, day: date | None = None, now: datetime | None = None,
            digests: bool | None = None) -> dict:
    """Queue what is due on `day` (default: each receiver's today at `now`); digests on the
    configured weekday unless forced on or off. Returns how many of each kind were queued."""
    now = now or utcnow()
    digest_day = day or now.date()
    if digests is None:
        digests = digest_day.isoweekday() == config["NUDGE_DIGEST_WEEKDAY"]
    rows = _rep_reminders(session, config, day, now)
    if digests:
        rows += _manager_digests(session, config, digest_day) + _team_digests(session, config, digest_day)
    counts: dict[str, int] = {}
    for row in rows:
        if _add_once(session, row):
            counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts


def _exists(session: Session, key: str) -> bool:
    return session.scalar(select(NudgeDelivery.id).where(NudgeDelivery.key == key)) is not None


def _add_once(session: Session, row: NudgeDelivery) -> bool:
    """Insert unless the key is taken; the unique key settles two runs racing (one row per
    commit, so a refused one undoes nothing else)."""
    session.add(row)
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def _rep_reminders(session, config, day, now) -> list[NudgeDelivery]:
    links = _links(config)
    soonest = (day or now.date()).toordinal() + 2  # tomorrow anywhere on Earth
    reps = session.scalars(select(User).where(
        User.active.is_(True), User.nudge_emails.is_(True),
        User.id.in_(select(Commitment.rep_id).where(
            Commitment.status == "open", Commitment.confirmed.is_(True),
            Commitment.due_date <= date.fromordinal(soonest))))
        .order_by(User.id)).all()
    rows = []
    for rep in reps:
        here = local_now(rep, now)
        if day is None and here.hour < config["NUDGE_HOUR"]:
            continue
        today = day or here.date()
        key = f"rep_due:{rep.id}:{today.isoformat()}"
        due = None if _exists(session, key) else rep_due(session, rep, today)
        if due is None:
            continue
        unsubscribe = link(links.base, config["SECRET_KEY"], rep)
        subject, body = formats.rep_email(due, links, unsubscribe)
        rows.append(NudgeDelivery(org_id=rep.org_id, key=key, kind="rep_due", channel="email",
                                  user_id=rep.id, recipient=rep.email, subject=subject, body=body))
    return rows


def _manager_digests(session, config, day) -> list[NudgeDelivery]:
    links, week = _links(config), week_of(day).isoformat()
    managers = session.scalars(select(User).where(
        User.role == "manager", User.active.is_(True), User.nudge_emails.is_(True),
        User.led_teams.any()).order_by(User.id)).all()
    rows = []
    for manager in managers:
        key = f"manager_digest:{manager.id}:{week}"
        if _exists(session, key):
            continue
        names = ", ".join(sorted(t.name for t in manager.led_teams))
        found = digest(session, manager, day, f"The week in {names}")
        if found.empty:
            continue
        unsubscribe = link(links.base, config["SECRET_KEY"], manager)
        subject, body = formats.digest_email(found, manager.name, links, unsubscribe)
        rows.append(NudgeDelivery(org_id=manager.org_id, key=key, kind="manager_digest",
                                  channel="email", user_id=manager.id, recipient=manager.email,
                                  subject=subject, body=body))
    return rows


def _team_digests(session, config, day) -> list[NudgeDelivery]:
    links, week = _links(config), week_of(day).isoformat()
    rows = []
    for team in session.scalars(select(Team).where(Team.chat_webhook_url.is_not(None))
                                .order_by(Team.id)).all():
        key = f"team_digest:{team.id}:{week}"
        admin = session.scalar(select(User).where(User.org_id == team.org_id, User.role == "admin",
                                                  User.active.is_(True)).order_by(User.id))
        if admin is None or _exists(session, key):
            continue
        found = digest(session, admin, day, f"The week in {team.name}",
                       rep_ids={member.id for member in team.members})
        if found.empty:
            continue
        render = formats.teams if team.chat_webhook_kind == "teams" else formats.slack
        rows.append(NudgeDelivery(org_id=team.org_id, key=key, kind="team_digest",
                                  channel=team.chat_webhook_kind or "slack", team_id=team.id,
                                  recipient=team.chat_webhook_url, subject=formats.digest_subject(found),
                                  body=json.dumps(render(found, links), default=str)))
    return rows
