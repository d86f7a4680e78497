"""Erasing a user: their sessions (messages, notes on them, read audit of them), commitments,
assessments, assignments, nudges and API tokens deleted; their KPI snapshots anonymised (kept
on the tombstone) or removed, as the organization chose. The user row stays as a tombstone
without name, email or password, because deals, notes they wrote and status changes they made
point at it; widget tokens die with it (an inactive user's token is refused). The erasure is
recorded with counts only."""

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import (
    ApiToken,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    ManagerNote,
    Message,
    NudgeDelivery,
    PrivacyEvent,
    SessionAssignment,
    SkillAssessment,
    SkillRating,
    TranscriptRead,
    User,
    WebhookDelivery,
    team_managers,
)

from ..access import check_keeps_an_admin, get_visible_user
from ..domain_errors import Conflict
from .retention import _count, delete_commitments
from .settings import settings_for

ERASED_NAME = "Erased user"


def erase_user(session: Session, admin: User, user_id: int) -> PrivacyEvent:
    """Erase one user of the admin's organization and record it (commits)."""
    user = get_visible_user(session, admin, user_id)
    if user.email.endswith("@erased.invalid"):
        raise Conflict(f"User {user_id} is already erased.", code="already_erased")
    check_keeps_an_admin(session, user, "rep", False)
    counts = _erase_data(session, user, settings_for(session, user.org_id).erase_figures)
    _tombstone(user)
    event = PrivacyEvent(org_id=user.org_id, kind="erasure", actor_id=admin.id,
                         subject_id=user.id, counts=counts)
    session.add(event)
    session.commit()
    return event


def _erase_data(session: Session, user: User, figures: str) -> dict:
    sessions = select(CoachingSession.id).where(CoachingSession.rep_id == user.id)
    assessments = select(SkillAssessment.id).where(SkillAssessment.rep_id == user.id)
    counts = {"commitments": delete_commitments(session, Commitment.rep_id == user.id)}
    for name, model, where in (
        ("messages", Message, Message.session_id.in_(sessions)),
        ("notes", ManagerNote, ManagerNote.session_id.in_(sessions)),
        ("reads", TranscriptRead, TranscriptRead.rep_id == user.id),
        ("webhook_deliveries", WebhookDelivery, WebhookDelivery.session_id.in_(sessions)),
        ("assignments", SessionAssignment, SessionAssignment.rep_id == user.id),
        ("skill_ratings", SkillRating, SkillRating.assessment_id.in_(assessments)),
        ("assessments", SkillAssessment, SkillAssessment.rep_id == user.id),
        ("nudges", NudgeDelivery, NudgeDelivery.user_id == user.id),
        ("api_tokens", ApiToken, ApiToken.user_id == user.id),
    ):
        counts[name] = _count(session, delete(model).where(where))
    # others' assignments may point at one of these sessions (ondelete SET NULL, done by hand)
    _count(session, update(SessionAssignment).where(SessionAssignment.session_id.in_(sessions))
           .values(session_id=None))
    counts["sessions"] = _count(session, delete(CoachingSession).where(
        CoachingSession.rep_id == user.id))
    if figures == "remove":
        counts["kpi_snapshots"] = _count(session, delete(KpiSnapshot).where(
            KpiSnapshot.rep_id == user.id))
    else:
        counts["kpi_snapshots_anonymised"] = session.scalar(select(func.count(KpiSnapshot.id))
                                                            .where(KpiSnapshot.rep_id == user.id))
    _count(session, delete(team_managers).where(team_managers.c.user_id == user.id))
    session.expire_all()
    return counts


def _tombstone(user: User) -> None:
    """The row others point at, with nothing left that names the person."""
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}@erased.invalid"
    user.password_hash = None
    user.active = False
    user.team_id = None
    user.locale = ""
    user.time_zone = "UTC"
    user.nudge_emails = False
    for column in ("external_id", "sso_subject"):  # columns other parts of issue 14 may add
        if hasattr(user, column):
            setattr(user, column, None)
    user.end_sessions()
