"""Retention: each organization's transcripts kept for its number of days, then deleted (and,
as configured, the summaries, commitments and KPI snapshots of the same age). Each run of an
organization with a setting is recorded as a PrivacyEvent, whatever it deleted."""

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from models import (
    CoachingSession,
    Commitment,
    CommitmentStatusChange,
    KpiSnapshot,
    Message,
    PrivacyEvent,
    PrivacySettings,
    utcnow,
)


def run_retention(session: Session, now: datetime | None = None) -> dict[int, dict]:
    """Apply every organization's retention once; {org_id: counts}. Commits per organization."""
    now = now or utcnow()
    done = {}
    for settings in session.scalars(select(PrivacySettings).where(
            PrivacySettings.transcript_days.is_not(None))).all():
        done[settings.org_id] = apply_retention(session, settings, now)
        session.commit()
    return done


def apply_retention(session: Session, settings: PrivacySettings, now: datetime) -> dict:
    """Delete what is older than the organization's cutoff; record the counts (no commit)."""
    cutoff = now - timedelta(days=settings.transcript_days)
    # An active session keeps its transcript: the coach continues from it.
    old = select(CoachingSession.id).where(
        CoachingSession.org_id == settings.org_id, CoachingSession.started_at < cutoff,
        CoachingSession.status != "active")
    _forget_turns(session, old)
    counts = {"messages": _count(session, delete(Message).where(Message.session_id.in_(old)))}
    if settings.purge_summaries:
        counts["summaries"] = _count(session, update(CoachingSession).where(
            CoachingSession.id.in_(old), CoachingSession.summary != "").values(
            summary="", help_asked=""))
    if settings.purge_commitments:
        counts["commitments"] = delete_commitments(session, Commitment.session_id.in_(old))
    if settings.purge_figures:
        counts["kpi_snapshots"] = _count(session, delete(KpiSnapshot).where(
            KpiSnapshot.org_id == settings.org_id, KpiSnapshot.period_start < cutoff.date()))
    session.add(PrivacyEvent(org_id=settings.org_id, kind="retention", at=now,
                             counts={**counts, "cutoff": cutoff.isoformat()}))
    return counts


def _forget_turns(session: Session, old) -> None:
    """The coach's state keeps its own copy of the conversation (turns, digest): it goes with the
    messages. Only sessions that still have messages, so each session is touched once."""
    stmt = select(CoachingSession).where(CoachingSession.id.in_(old), exists().where(
        Message.session_id == CoachingSession.id))
    for coaching in session.scalars(stmt.execution_options(yield_per=200)):
        coaching.state = {**(coaching.state or {}), "turns": [], "digest": ""}
    session.flush()


def delete_commitments(session: Session, where) -> int:
    """Delete the commitments matching ``where`` with their status history (no cascade needed)."""
    ids = select(Commitment.id).where(where)
    session.execute(delete(CommitmentStatusChange).where(
        CommitmentStatusChange.commitment_id.in_(ids)), execution_options={"synchronize_session": False})
    return _count(session, delete(Commitment).where(where))


def _count(session: Session, stmt) -> int:
    return session.execute(stmt, execution_options={"synchronize_session": False}).rowcount or 0
