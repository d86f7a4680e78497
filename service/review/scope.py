"""What a manager may review: confirmed sessions of the reps they may see, nothing else.

A session counts as shared with the manager only once the rep confirmed it; every query of the
review side starts from `confirmed_sessions` so an unconfirmed one never leaks into a page, a
list, a search, an export or a webhook.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import CoachingSession, Commitment, ManagerNote, Team, User

from ..access import visible_rep_ids
from ..errors import ApiError

REVIEWER_ROLES = ("manager", "admin")


def visible_reps(user: User, team_id: int | None = None):
    """SELECT of the reps (role rep, any state) whose confirmed coaching the user reviews."""
    stmt = (select(User).where(User.id.in_(visible_rep_ids(user)), User.role == "rep")
            .options(joinedload(User.team)).order_by(User.name, User.id))
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    return stmt


def teams_for(session: Session, user: User) -> list[Team]:
    """The teams the user reviews: those a manager leads, or the admin's whole organization."""
    if user.role == "admin":
        stmt = select(Team).where(Team.org_id == user.org_id)
    else:
        stmt = select(Team).where(Team.org_id == user.org_id, Team.managers.any(User.id == user.id))
    return list(session.scalars(stmt.order_by(Team.name)))


def confirmed_sessions(user: User):
    """SELECT of the confirmed sessions of reps the user may see, in the user's organization."""
    return select(CoachingSession).where(
        CoachingSession.org_id == user.org_id,
        CoachingSession.status == "confirmed",
        CoachingSession.rep_id.in_(visible_rep_ids(user)),
    )


def confirmed_commitments(user: User):
    return select(Commitment).join(Commitment.session).where(
        Commitment.org_id == user.org_id,
        Commitment.confirmed.is_(True),
        CoachingSession.status == "confirmed",
        Commitment.rep_id.in_(visible_rep_ids(user)),
    )


def shows_transcript(user: User) -> bool:
    """Whether the organization lets managers read full transcripts (admins follow the same rule)."""
    return user.organization.transcript_visibility == "full"


def session_detail_options():
    return (
        selectinload(CoachingSession.commitments),
        selectinload(CoachingSession.notes).joinedload(ManagerNote.author),
    )


def get_session(session: Session, user: User, session_id: int, messages: bool = False):
    """One confirmed, visible session with its commitments and notes, or 404."""
    opts = list(session_detail_options())
    if messages and shows_transcript(user):
        opts.append(selectinload(CoachingSession.messages))
    stmt = confirmed_sessions(user).where(CoachingSession.id == session_id).options(*opts)
    found = session.scalar(stmt)
    if found is None:
        raise ApiError(404, f"No session {session_id} here.")
    return found
