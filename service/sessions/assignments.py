"""Sessions a manager asks a rep to hold: making one, starting its session (mode and deal or
account preset, the two linked), done once that session is confirmed, open again when it is
discarded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Account, CoachingSession, Opportunity, SessionAssignment, User, utcnow

from ..access import get_own
from ..coach import Coach
from ..domain_errors import Conflict, Invalid

OPEN = ("open", "started")


def assign(s: Session, coach: Coach, manager: User, rep: User, data: dict) -> SessionAssignment:
    """An assignment for ``rep`` (committed): a known mode, about the rep's own deal or account
    when the mode needs one (the session will draw on them)."""
    spec = coach.modes.get(data["mode"])
    if spec is None:
        raise Invalid({"mode": [f"Unknown mode; choose from {', '.join(coach.modes)}."]})
    opportunity_id, account_id = data.get("opportunity_id"), data.get("account_id")
    if opportunity_id is not None:
        account_id = get_own(s, Opportunity, opportunity_id, rep, "opportunity").account_id
    if account_id is not None:
        get_own(s, Account, account_id, rep, "account")
    if spec.needs == "opportunity" and opportunity_id is None:
        raise Invalid({"opportunity_id": [f"The {spec.title} mode needs one of the rep's deals."]})
    if spec.needs == "account" and account_id is None:
        raise Invalid({"account_id": [f"The {spec.title} mode needs one of the rep's accounts."]})
    row = SessionAssignment(org_id=rep.org_id, rep_id=rep.id, assigned_by_id=manager.id,
                            mode=spec.key, opportunity_id=opportunity_id, account_id=account_id,
                            due_date=data.get("due_date"), note=data.get("note", ""))
    s.add(row)
    s.commit()
    return row


def withdraw(s: Session, assignment: SessionAssignment) -> None:
    """The manager no longer asks for it (committed); a session started from it stays the rep's,
    and once that session is confirmed the assignment is on the record."""
    if assignment.status == "done":
        raise Conflict("This assignment is done: its session was confirmed.",
                       code="assignment_done")
    s.delete(assignment)
    s.commit()


def start_kwargs(assignment: SessionAssignment) -> dict:
    """What a session started from the assignment is about (the rep's choice is not asked)."""
    if assignment.status == "done":
        raise Conflict("This assignment is done: its session was confirmed.",
                       code="assignment_done")
    return {"mode": assignment.mode, "opportunity_id": assignment.opportunity_id,
            "account_id": assignment.account_id}


def link(s: Session, assignment: SessionAssignment, row: CoachingSession) -> None:
    """The session started from the assignment (committed): started, until it is confirmed."""
    assignment.session_id, assignment.status = row.id, "started"
    assignment.started_at = utcnow()
    s.commit()


def complete(s: Session, row: CoachingSession) -> None:
    """A confirm hook: the assignment its session came from is done."""
    s.execute(update(SessionAssignment).where(SessionAssignment.session_id == row.id)
              .values(status="done", done_at=utcnow()).execution_options(synchronize_session=False))


def release(s: Session, session_id: int) -> None:
    """A discarded session leaves its assignment open to start again."""
    s.execute(update(SessionAssignment).where(SessionAssignment.session_id == session_id)
              .values(status="open", session_id=None, started_at=None)
              .execution_options(synchronize_session=False))


def open_for(s: Session, rep_id: int) -> list[SessionAssignment]:
    """The rep's assignments not done yet, soonest due first (what the widget and the terminal
    offer before anything else)."""
    return list(s.scalars(select(SessionAssignment).where(
        SessionAssignment.rep_id == rep_id, SessionAssignment.status.in_(OPEN))
        .order_by(SessionAssignment.due_date.is_(None), SessionAssignment.due_date,
                  SessionAssignment.id)))


def overdue(assignment: SessionAssignment, today: date) -> bool:
    return (assignment.status in OPEN and assignment.due_date is not None
            and assignment.due_date < today)
