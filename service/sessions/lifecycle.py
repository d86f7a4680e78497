"""A session's life outside its turns: the rep's active one (a new start resumes it), going
back from "End session" to the chat, changing the language it is held in, and discarding a
session the rep does not want on record.

Nothing of an unconfirmed session is a fact yet, so discarding one removes all it made: its
messages, drafted commitments, a skill assessment, follow-up answers given in it (those
commitments are open and asked about again). A confirmed session is on the record and stays.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from models import (
    CoachingSession,
    Commitment,
    ManagerNote,
    Message,
    SkillAssessment,
    SkillRating,
)

from ..coach import SessionState
from ..coach.language import session as session_language
from ..domain_errors import Conflict
from . import assignments
from .answers import undo_follow_ups
from .claim import claim, store_claimed


def active_session(s: Session, rep_id: int) -> CoachingSession | None:
    """The rep's active session (the newest, should there be several)."""
    return s.scalar(select(CoachingSession).where(
        CoachingSession.rep_id == rep_id, CoachingSession.status == "active")
        .order_by(CoachingSession.started_at.desc(), CoachingSession.id.desc()).limit(1))


def check_none_active(s: Session, rep_id: int) -> None:
    """Refuse to start a session beside the rep's active one unless they asked for a new one:
    the client resumes that one (``fields.session_id``) or asks again with ``new``."""
    row = active_session(s, rep_id)
    if row is not None:
        raise Conflict("You have a session in progress: resume it, or ask for a new one.",
                       code="session_active", fields={"session_id": [row.id]})


def _refuse_confirmed(row: CoachingSession, doing: str) -> None:
    if row.status == "confirmed":
        raise Conflict(f"This session is confirmed and shared with your manager; it cannot be "
                       f"{doing}.", code="session_confirmed")


def change_language(s: Session, row: CoachingSession, code: str) -> None:
    """The rep's coach speaks ``code`` from the next turn on (committed; the figures' period
    labels are reworded). Only in an active session, and not while a turn runs (its reply would
    be stored over the change): reply_pending then."""
    if row.status != "active":
        raise Conflict(f"This session is {row.status}; its language stays as it was.")
    claim(s, row, seconds=30)
    state = SessionState.from_dict(row.state)
    session_language.switch(state.context, code, "chosen")
    store_claimed(s, row, state=state.to_dict())
    s.commit()


def discard(s: Session, row: CoachingSession) -> None:
    """Delete an active or ended session and all it made (committed). Refused (Conflict) for a
    confirmed one and while a turn runs: the session is claimed here, so no turn stores a reply
    into what is being deleted (a turn that finishes later finds it gone, TurnTaken)."""
    _refuse_confirmed(row, "discarded")
    try:
        claim(s, row, seconds=60)
    except Conflict as busy:  # a turn holds it
        raise Conflict("The coach is answering a message of this session: discard it once the "
                       "reply is in.", code="reply_pending", retry_after=busy.retry_after) from busy
    _remove(s, row)
    s.commit()


def discard_unopened(sm: sessionmaker, session_id: int) -> None:
    """Delete a session that never got its opening reply (it holds no messages): a failed start
    leaves nothing behind. Its claim may still be held by the failed opening turn."""
    with sm() as s:
        row = s.get(CoachingSession, session_id)
        if row is not None and row.status == "active" and not row.messages:
            _remove(s, row)
            s.commit()


def _remove(s: Session, row: CoachingSession) -> None:
    """Everything the session made, then the session (bulk deletes in dependency order: a
    reply references the rep's message, so the messages go in one statement)."""
    undo_follow_ups(s, row.id)
    assignments.release(s, row.id)
    assessments = select(SkillAssessment.id).where(SkillAssessment.session_id == row.id)
    s.execute(delete(SkillRating).where(SkillRating.assessment_id.in_(assessments)))
    s.execute(delete(SkillAssessment).where(SkillAssessment.session_id == row.id))
    # Every commitment of an unconfirmed session is a draft (confirmation confirms them all).
    s.execute(delete(Commitment).where(Commitment.session_id == row.id))
    s.execute(delete(ManagerNote).where(ManagerNote.session_id == row.id))
    s.execute(delete(Message).where(Message.session_id == row.id))
    s.execute(delete(CoachingSession).where(CoachingSession.id == row.id)
              .execution_options(synchronize_session=False))
    s.expunge(row)


def reopen(s: Session, row: CoachingSession) -> None:
    """The rep goes back from the end view to the chat (committed): an ended session is active
    again, its draft summary and drafted commitments dropped (ending again drafts them anew from
    the whole conversation); an active one is left as it is."""
    _refuse_confirmed(row, "reopened")
    if row.status == "active":
        return
    s.execute(delete(Commitment).where(Commitment.session_id == row.id,
                                       Commitment.confirmed.is_(False)))
    row.status, row.ended_at, row.summary, row.help_asked = "active", None, "", ""
    # The parts the draft was drawn from go too: ending again draws them from the whole chat.
    row.state = {k: v for k, v in (row.state or {}).items() if k != "drawn"}
    s.commit()
    s.refresh(row)
