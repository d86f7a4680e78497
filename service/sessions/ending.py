"""Ending a session: the drafted summary and commitments, the rep's edits and confirmation.

The draft is a model call, so it runs with no database session open: the state is read and
the connection released, the Coach drafts, and a new session stores the result.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import CoachingSession, Commitment, utcnow

from ..coach import Coach, SessionState, session_metrics
from ..coach.language import session as session_language
from ..domain_errors import Conflict
from . import assignments
from .answers import apply_confirmed, correct
from .turn import confirm_hooks


def transcript_turns(row: CoachingSession) -> list[dict]:
    return [{"role": m.role, "text": m.text, "stage": m.stage, "intent": m.intent,
             "guard": {"outcome": m.guard_outcome, "reasons": m.guard_reasons}
             if m.role == "coach" else None} for m in row.messages]


def compute_metrics(s: Session, row: CoachingSession) -> dict:
    """Session metrics from the stored transcript, commitments made and follow-ups done."""
    followed = s.scalars(select(Commitment.id).where(
        Commitment.followed_up_session_id == row.id)).all()
    return session_metrics(transcript_turns(row), len(row.commitments), len(followed),
                           session_language.replies_in((row.state or {}).get("context")))


def end_session(sm: sessionmaker, coach: Coach, session_id: int) -> None:
    """Draft the summary and commitments (status -> ended). Ending twice keeps the first draft;
    an EngineError leaves the session active, to end again."""
    with sm() as s:
        row = s.get(CoachingSession, session_id)
        if row is None or row.status != "active":  # discarded meanwhile, or already ended
            return
        state = SessionState.from_dict(row.state)
    draft = coach.draft_summary(state)
    with sm() as s:
        row = s.get(CoachingSession, session_id, with_for_update=True)
        if row is None or row.status != "active":  # another request ended or discarded it
            return
        row.summary, row.help_asked = draft.summary, draft.help_asked
        row.state = {**row.state, "drawn": draft.parts}  # what an edit redraws
        for item in draft.commitments:
            s.add(Commitment(org_id=row.org_id, session_id=row.id, rep_id=row.rep_id,
                             opportunity_id=item.get("opportunity_id") or row.opportunity_id,
                             text=item["text"][:2000], due_date=item.get("due_date"),
                             measure=item.get("measure") or "", kind=item.get("kind") or "action",
                             confirmed=False))
        row.status, row.ended_at = "ended", utcnow()
        s.flush()
        s.refresh(row, ["commitments"])
        row.metrics = compute_metrics(s, row)
        s.commit()


def redraw_summary(s: Session, coach: Coach, row: CoachingSession) -> None:
    """While the rep reviews the draft (ended, not confirmed), an edit to its commitments or
    answers redraws the summary's record parts; prose the rep wrote is kept."""
    if row.status != "ended" or not row.state:
        return
    state = SessionState.from_dict(row.state)
    if not state.drawn:
        return  # drawn by a release that kept no parts: nothing to redraw from
    s.flush()
    items = [{"text": c.text, "due_date": c.due_date, "measure": c.measure, "kind": c.kind}
             for c in s.scalars(select(Commitment).where(Commitment.session_id == row.id)
                                .order_by(Commitment.id))]
    row.summary = coach.redraw(state, row.summary or "", items)
    row.state = state.to_dict()


def edit_summary(s: Session, row: CoachingSession, data: dict, coach: Coach | None = None) -> None:
    """The rep edits the draft; ``confirmed`` shares it with the manager. Corrected answers
    redraw the summary (with ``coach``)."""
    if row.status == "active":
        raise Conflict("End the session first: there is no summary to edit yet.")
    if row.status == "confirmed" and data.get("answers"):
        raise Conflict("This session is confirmed: its answers are on the record.")
    for key in ("summary", "help_asked"):
        if key in data:
            setattr(row, key, data[key])
    if data.get("answers"):
        correct(s, row, data["answers"])
        if coach is not None:
            redraw_summary(s, coach, row)
    if data.get("confirmed") and row.status != "confirmed":
        row.status, row.confirmed_at = "confirmed", utcnow()
        apply_confirmed(s, row)
        for commitment in row.commitments:
            commitment.confirmed = True
        assignments.complete(s, row)
        for hook in confirm_hooks:
            hook(s, row)
    s.commit()
