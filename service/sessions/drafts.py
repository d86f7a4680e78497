"""The rep's edits of a session's drafted commitments, the same from the API, the widget and the
terminal: add one, change one, remove one. While the rep reviews the draft, each edit redraws
the summary's record parts (ending.redraw_summary), so the manager never reads a commitment the
rep removed.

A removed draft is deleted, never marked dropped: it was never a commitment, so it counts
nowhere (a dropped one would count against the rep). A confirmed commitment stays; it can be
reported done or dropped.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import CoachingSession, Commitment

from ..coach import Coach
from ..domain_errors import Conflict
from .commitment_status import record_change
from .ending import redraw_summary


def apply(commitment: Commitment, data: dict) -> None:
    """Set the fields given in ``data``; a status other than open closes the commitment."""
    for key in ("text", "due_date", "measure", "kind"):
        if key in data:
            setattr(commitment, key, data[key])
    if "status" in data and data["status"] != commitment.status:
        # the rep's own Mark done / Undo: kept in the history beside their manager's changes
        record_change(commitment, commitment.rep_id, data["status"])


def add_draft(s: Session, coach: Coach, row: CoachingSession, data: dict) -> Commitment:
    """A commitment the rep adds to the session (committed): a draft until the session is
    confirmed, on the session's deal."""
    commitment = Commitment(org_id=row.org_id, session_id=row.id, rep_id=row.rep_id,
                            opportunity_id=row.opportunity_id, status="open",
                            confirmed=row.status == "confirmed")
    apply(commitment, data)
    s.add(commitment)
    redraw_summary(s, coach, row)
    s.commit()
    return commitment


def edit_draft(s: Session, coach: Coach, commitment: Commitment, data: dict) -> Commitment:
    """Change the rep's commitment (committed): its words, date, measure, kind or status."""
    apply(commitment, data)
    redraw_summary(s, coach, commitment.session)
    s.commit()
    return commitment


def remove_draft(s: Session, coach: Coach, commitment: Commitment) -> None:
    """Delete a draft commitment (committed); a confirmed one is refused."""
    if commitment.confirmed:
        raise Conflict("This commitment is confirmed; mark it dropped instead.")
    row = commitment.session
    s.delete(commitment)
    redraw_summary(s, coach, row)
    s.commit()
