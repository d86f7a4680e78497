"""Everything stored about one user, as one JSON archive: profile, sessions with their messages
and notes, commitments with their status history, assessments, KPI snapshots, the accounts and
deals they own, and the read audit of their sessions. Each export is recorded."""

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    Opportunity,
    PrivacyEvent,
    SkillAssessment,
    TranscriptRead,
    User,
    utcnow,
)

from ..access import get_visible_user
from ..domain_errors import NotFound
from .settings import check_admin

SECRET = {"password_hash", "session_version", "token_hash", "state", "turn_claimed_until", "version"}


def columns(obj, skip=()) -> dict:
    """An object's stored columns (never its secrets)."""
    return {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs
            if a.key not in SECRET and a.key not in skip}


def _all(session: Session, stmt) -> list:
    return session.scalars(stmt).unique().all()


def user_archive(session: Session, user: User) -> dict:
    """The archive's content (no recording)."""
    sessions = _all(session, select(CoachingSession).where(CoachingSession.rep_id == user.id)
                    .options(selectinload(CoachingSession.messages), selectinload(CoachingSession.notes))
                    .order_by(CoachingSession.started_at))
    commitments = _all(session, select(Commitment).where(Commitment.rep_id == user.id)
                       .options(selectinload(Commitment.status_changes)).order_by(Commitment.id))
    assessments = _all(session, select(SkillAssessment).where(SkillAssessment.rep_id == user.id)
                       .order_by(SkillAssessment.id))
    return {
        "exported_at": utcnow(),
        "profile": columns(user),
        "sessions": [columns(s) | {"messages": [columns(m) for m in s.messages],
                                   "notes": [columns(n) for n in s.notes]} for s in sessions],
        "commitments": [columns(c) | {"status_history": [columns(h) for h in c.status_changes]}
                        for c in commitments],
        "assessments": [columns(a) | {"ratings": [columns(r) for r in a.ratings]}
                        for a in assessments],
        "kpi_snapshots": [columns(k) for k in _all(session, select(KpiSnapshot).where(
            KpiSnapshot.rep_id == user.id).order_by(KpiSnapshot.period_start))],
        "accounts": [columns(a) for a in _all(session, select(Account).where(
            Account.owner_id == user.id).order_by(Account.id))],
        "opportunities": [columns(o) | {"stage_history": [columns(h) for h in o.history]}
                          for o in _all(session, select(Opportunity).where(Opportunity.owner_id == user.id)
                                        .options(selectinload(Opportunity.history)).order_by(Opportunity.id))],
        "reads_of_my_sessions": [columns(r, skip=("org_id",)) for r in _all(session, select(
            TranscriptRead).where(TranscriptRead.rep_id == user.id).order_by(TranscriptRead.id))],
    }


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} in an archive")


def export_user(session: Session, actor: User | None, user_id: int) -> str:
    """The archive as JSON text, recorded (commits). ``actor``: an admin of the user's
    organization, or None for the CLI (whoever runs it holds the database anyway)."""
    if actor is not None:
        check_admin(actor)
        user = get_visible_user(session, actor, user_id)
    else:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.")
    archive = user_archive(session, user)
    counts = {k: len(v) for k, v in archive.items() if isinstance(v, list)}
    session.add(PrivacyEvent(org_id=user.org_id, kind="export", actor_id=actor.id if actor else None,
                             subject_id=user.id, counts=counts))
    session.commit()
    return json.dumps(archive, default=_default, indent=2)
