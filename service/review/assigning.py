"""The rep page's assignments: what the manager asked the rep to hold, and what can be asked
(the modes, the rep's own open deals and accounts)."""

from sqlalchemy.orm import Session, joinedload

from models import Account, Opportunity, SessionAssignment, User, utcnow

from ..access import own_pipeline, visible_assignments
from ..sessions.assignments import overdue

SHOWN = 20


def rep_assignments(session: Session, user: User, rep: User) -> list[dict]:
    """The rep's latest assignments, not done first, each with its deal or account name."""
    stmt = (visible_assignments(user).where(SessionAssignment.rep_id == rep.id)
            .options(joinedload(SessionAssignment.assigned_by),
                     joinedload(SessionAssignment.opportunity), joinedload(SessionAssignment.account))
            .order_by((SessionAssignment.status == "done"), SessionAssignment.created_at.desc(),
                      SessionAssignment.id.desc()).limit(SHOWN))
    today = utcnow().date()
    return [{"id": a.id, "mode": a.mode, "note": a.note, "due_date": a.due_date, "status": a.status,
             "overdue": overdue(a, today), "session_id": a.session_id,
             "about": (a.opportunity or a.account).name if (a.opportunity or a.account) else None,
             "assigned_by": a.assigned_by.name, "created_at": a.created_at}
            for a in session.scalars(stmt)]


def choices(session: Session, rep: User) -> dict:
    """The rep's own open deals and accounts: what an assigned session may be about."""
    deals = session.execute(own_pipeline(Opportunity, rep).with_only_columns(
        Opportunity.id, Opportunity.name).where(Opportunity.status == "open")
        .order_by(Opportunity.name)).all()
    accounts = session.execute(own_pipeline(Account, rep).with_only_columns(
        Account.id, Account.name).order_by(Account.name)).all()
    return {"deals": deals, "accounts": accounts}
