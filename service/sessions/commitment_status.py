"""A confirmed commitment's status with who set it, when and why: the rep's own Mark done or
Undo, or their manager after a one-to-one (the note is what the rep reads in the widget)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import Commitment, CommitmentStatusChange, User, utcnow

from ..domain_errors import Conflict


def record_change(commitment: Commitment, by_id: int, to: str, note: str = "") -> None:
    """Set the status (done or dropped close it, open reopens it) and keep a history row; a
    draft keeps no history (it is not on the record until its session is confirmed)."""
    before = commitment.status
    if to == before and not note:
        return
    commitment.status = to
    if to != before:
        commitment.closed_at = None if to == "open" else utcnow()
    if commitment.confirmed:
        commitment.status_changes.append(CommitmentStatusChange(
            changed_by_id=by_id, from_status=before, to_status=to, note=note))


def set_status(s: Session, user: User, commitment: Commitment, status: str, note: str) -> Commitment:
    """The status of a confirmed commitment, set by the rep or their manager (committed)."""
    if not commitment.confirmed:
        raise Conflict("This commitment is still a draft of an unconfirmed session.")
    record_change(commitment, user.id, status, note)
    s.commit()
    return commitment
