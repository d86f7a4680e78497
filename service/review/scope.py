"""The review side's queries on top of access.py's rules: which reps a page lists and how one
session loads. Who may see what is decided in access.py alone."""

from sqlalchemy.orm import Session, joinedload, selectinload

from models import CoachingSession, Commitment, CommitmentStatusChange, ManagerNote, User

from ..access import get_shared_session, reviewable_reps, shares_transcripts


def visible_reps(user: User, team_id: int | None = None):
    """SELECT of the reps the user reviews, with their team, by name; of one team if given."""
    stmt = reviewable_reps(user).options(joinedload(User.team)).order_by(User.name, User.id)
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    return stmt


def commitment_options():
    """A commitment's status history and who wrote it, one query per page of commitments."""
    return (selectinload(Commitment.status_changes).joinedload(CommitmentStatusChange.changed_by),)


def session_detail_options():
    return (
        selectinload(CoachingSession.commitments).selectinload(Commitment.status_changes)
        .joinedload(CommitmentStatusChange.changed_by),
        selectinload(CoachingSession.notes).joinedload(ManagerNote.author),
    )


def get_session(session: Session, user: User, session_id: int, messages: bool = False):
    """One shared session with its commitments and notes (and messages when asked for and the
    organization shares transcripts), or 404."""
    opts = list(session_detail_options())
    if messages and shares_transcripts(user):
        opts.append(selectinload(CoachingSession.messages))
    return get_shared_session(session, user, session_id, opts)
