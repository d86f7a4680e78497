"""Seed helpers shared by the tests and the benchmarks: deals, figures, skills, reviewed sessions.

Each adds to the caller's session and leaves flushing and committing to the caller, unless it
says otherwise; plain SQLAlchemy, no app needed.
"""

from datetime import date

from sqlalchemy import select

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    ManagerNote,
    Message,
    Opportunity,
    SalesProcess,
    SkillAssessment,
    SkillRating,
    Stage,
)


def stages_of(session, org_id: int) -> list[Stage]:
    """The organization's sales-process stages, in order."""
    return session.scalar(select(SalesProcess).where(SalesProcess.org_id == org_id)).stages


def account_with_deals(session, org_id: int, owner_id: int, name: str, *deals: dict) -> list[Opportunity]:
    """One account owned by the rep and an opportunity on it for each dict of fields."""
    account = Account(org_id=org_id, owner_id=owner_id, name=name)
    opps = [Opportunity(org_id=org_id, account=account, owner_id=owner_id, **deal) for deal in deals]
    session.add_all([account, *opps])
    return opps


def month_start(today: date, back: int) -> date:
    """The first day of the month `back` months before today's."""
    first = today.replace(day=1)
    return date(first.year - (first.month - 1 - back < 0), (first.month - 1 - back) % 12 + 1, 1)


def monthly_figures(session, org_id: int, rep_id: int, today: date, months: int, figures) -> None:
    """A KPI snapshot for each of the last `months` months; figures(m) gives month m's values."""
    session.add_all([KpiSnapshot(org_id=org_id, rep_id=rep_id, period_start=month_start(today, m),
                                 **figures(m)) for m in range(months)])


def skills(session, org_id: int, rep_id: int, ratings: dict, **fields) -> SkillAssessment:
    """A skills self-assessment: {skill: rating or (rating, note)}."""
    assessment = SkillAssessment(org_id=org_id, rep_id=rep_id, **fields, ratings=[
        SkillRating(skill=skill, rating=value[0], note=value[1]) if isinstance(value, tuple)
        else SkillRating(skill=skill, rating=value) for skill, value in ratings.items()])
    session.add(assessment)
    return assessment


def reviewed_session(session, org_id: int, rep_id: int, *, messages=(), commitments=(),
                     note: tuple[int, str] | None = None, **fields) -> CoachingSession:
    """A coaching session with its messages (dicts), commitments (dicts) and a manager note
    (author id, text); flushed, so the ids exist. Commitments are confirmed with the session."""
    coaching = CoachingSession(org_id=org_id, rep_id=rep_id, **fields,
                               messages=[Message(**m) for m in messages])
    session.add(coaching)
    session.flush()
    confirmed = coaching.status == "confirmed"
    session.add_all([Commitment(**{"confirmed": confirmed, **c}, org_id=org_id, session_id=coaching.id,
                                rep_id=rep_id) for c in commitments])
    if note:
        session.add(ManagerNote(session_id=coaching.id, author_id=note[0], text=note[1]))
    return coaching
