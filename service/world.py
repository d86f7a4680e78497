"""Making organizations and the data in them, in plain SQLAlchemy (no app needed).

`flask org create`, the demo, the eval's scripted worlds, the tests and the benchmarks all build
through here: an organization always starts with its default sales process, its first admin and
that admin's token, and a person, a deal, a month's figures, a skills assessment or a past
coaching session is made one way. Each helper adds to the caller's session and leaves flushing
and committing to the caller, unless it says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    ManagerNote,
    Message,
    Opportunity,
    Organization,
    SalesProcess,
    SkillAssessment,
    SkillRating,
    Stage,
    Team,
    User,
    default_process,
    month_start,
)

from .api_tokens import issue_token


def create_organization(session: Session, name: str, admin_name: str,
                        admin_email: str) -> tuple[User, str]:
    """An organization with the default sales process and its first admin, committed; returns
    (admin, the admin's API token, shown this once)."""
    org = Organization(name=name)
    session.add(org)
    session.flush()
    session.add(default_process(org.id))
    admin = User(org_id=org.id, role="admin", name=admin_name, email=admin_email.lower())
    session.add(admin)
    _, plain = issue_token(session, admin, "created by flask org create")
    session.commit()
    return admin, plain


def stages_of(session: Session, org_id: int) -> list[Stage]:
    """The organization's sales-process stages, in order."""
    return session.scalar(select(SalesProcess).where(SalesProcess.org_id == org_id)).stages


def add_person(session: Session, org_id: int, role: str, name: str, email: str, *,
               team: Team | None = None, leads: Iterable[Team] = (), **fields) -> User:
    """A user of the organization: a member of `team`, leading the teams in `leads`."""
    user = User(org_id=org_id, role=role, name=name, email=email, team=team,
                led_teams=list(leads), **fields)
    session.add(user)
    return user


def add_account(session: Session, org_id: int, owner_id: int, name: str, **fields) -> Account:
    account = Account(org_id=org_id, owner_id=owner_id, name=name, **fields)
    session.add(account)
    return account


def add_deal(session: Session, account: Account, **fields) -> Opportunity:
    """An opportunity on the account, owned by the account's owner."""
    deal = Opportunity(org_id=account.org_id, account=account, owner_id=account.owner_id,
                       **fields)
    session.add(deal)
    return deal


def account_with_deals(session: Session, org_id: int, owner_id: int, name: str,
                       *deals: dict) -> list[Opportunity]:
    """One account owned by the rep and an opportunity on it for each dict of fields."""
    account = add_account(session, org_id, owner_id, name)
    return [add_deal(session, account, **deal) for deal in deals]


def monthly_figures(session: Session, org_id: int, rep_id: int, today: date,
                    by_month: dict[int, dict]) -> list[KpiSnapshot]:
    """A monthly KPI snapshot for each {months back from today's month: figures}."""
    snapshots = [KpiSnapshot(org_id=org_id, rep_id=rep_id, period_type="month",
                             period_start=month_start(today, back), **figures)
                 for back, figures in by_month.items()]
    session.add_all(snapshots)
    return snapshots


def skills(session: Session, org_id: int, rep_id: int, ratings: dict, **fields) -> SkillAssessment:
    """A skills self-assessment: {skill: rating or (rating, note)}."""
    assessment = SkillAssessment(org_id=org_id, rep_id=rep_id, **fields, ratings=[
        SkillRating(skill=skill, rating=value[0], note=value[1]) if isinstance(value, tuple)
        else SkillRating(skill=skill, rating=value) for skill, value in ratings.items()])
    session.add(assessment)
    return assessment


def past_session(session: Session, org_id: int, rep_id: int, *, messages=(), commitments=(),
                 note: tuple[int, str] | None = None, **fields) -> CoachingSession:
    """A coaching session with its messages (dicts), commitments (dicts) and a manager note
    (author id, text); flushed, so the ids exist. Commitments are confirmed with the session."""
    coaching = CoachingSession(org_id=org_id, rep_id=rep_id, **fields,
                               messages=[Message(**m) for m in messages])
    session.add(coaching)
    session.flush()
    confirmed = coaching.status == "confirmed"
    session.add_all([Commitment(**{"confirmed": confirmed, **c}, org_id=org_id,
                                session_id=coaching.id, rep_id=rep_id) for c in commitments])
    if note:
        session.add(ManagerNote(session_id=coaching.id, author_id=note[0], text=note[1]))
    return coaching
