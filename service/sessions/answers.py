"""The rep's answers on the record: a due commitment's follow-up and the skill ratings.

A quick reply the rep picked is recorded in the turn that heard it (a follow-up writes the
commitment at once); an answer read from free text is a proposal, kept in the session's flow
state, shown in the end view and applied only when the rep confirms the session. Ratings
become a SkillAssessment at confirmation, never before: an unconfirmed session counts nowhere.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models import (
    FOLLOW_UP_ANSWERS,
    CoachingSession,
    Commitment,
    SkillAssessment,
    SkillRating,
    utcnow,
)

from ..coach import SessionState
from ..coach.flow import remember
from ..domain_errors import Invalid

STATUS_OF = {"done": "done", "dropped": "dropped", "partly": "open", "not_yet": "open"}


def _commitment(s: Session, row: CoachingSession, commitment_id) -> Commitment | None:
    commitment = s.get(Commitment, commitment_id) if commitment_id else None
    if commitment is None or commitment.rep_id != row.rep_id:
        return None  # not this rep's: never written
    return commitment


def record_follow_up(s: Session, row: CoachingSession, answer: dict) -> None:
    """In the turn's transaction: the commitment is followed up in this session (asked once);
    its status is written only when the rep picked the answer."""
    commitment = _commitment(s, row, answer.get("commitment_id"))
    if commitment is None:
        return
    commitment.followed_up_session_id = row.id
    if answer["source"] == "choice":
        _write(commitment, answer)


def _write(commitment: Commitment, answer: dict) -> None:
    value = answer.get("value")
    if value not in FOLLOW_UP_ANSWERS:
        return  # unclear: nothing to record
    commitment.follow_up = value
    commitment.status = STATUS_OF[value]
    commitment.outcome_note = (answer.get("note") or "")[:2000]
    commitment.closed_at = utcnow() if commitment.status != "open" else None


def undo_follow_ups(s: Session, session_id: int) -> None:
    """Follow-ups answered in a session that is discarded go back to unanswered."""
    for commitment in s.scalars(select(Commitment).where(
            Commitment.followed_up_session_id == session_id)):
        commitment.followed_up_session_id = None
        commitment.follow_up, commitment.outcome_note = "", ""
        commitment.status, commitment.closed_at = "open", None


def answers_of(row: CoachingSession) -> list[dict]:
    return SessionState.from_dict(row.state).flow.answers if row.state else []


def correct(s: Session, row: CoachingSession, edits: list[dict]) -> None:
    """The rep sets or corrects answers in the end view: each becomes their choice."""
    # A copy: edited in place, the stored JSON would equal the new one and never be written.
    state = SessionState.from_dict(row.state).copy()
    known = {(a["kind"], a.get("commitment_id"), a.get("skill")): a for a in state.flow.answers}
    for edit in edits:
        key = (edit["kind"], edit.get("commitment_id"), edit.get("skill"))
        earlier = known.get(key)
        if earlier is None:
            raise Invalid({"answers": [f"This session has no {edit['kind'].replace('_', '-')} "
                                       "answer on that item to correct."]})
        answer = remember(state, {**earlier, "value": edit["value"],
                                  "note": edit.get("note", earlier.get("note", "")),
                                  "source": "choice"})
        if answer["kind"] == "follow_up":
            commitment = _commitment(s, row, answer["commitment_id"])
            if commitment is not None:
                _write(commitment, answer)
    row.state = state.to_dict()
    # FlowState shares its answers list with row.state, so the corrected state compares equal
    # to the (already changed) old value and would not be written without this
    flag_modified(row, "state")


def apply_confirmed(s: Session, row: CoachingSession) -> None:
    """At confirmation: the proposed follow-ups are written, the ratings become the rep's
    skill assessment."""
    answers = answers_of(row)
    for answer in answers:
        if answer["kind"] == "follow_up" and answer["source"] != "choice":
            commitment = _commitment(s, row, answer.get("commitment_id"))
            if commitment is not None and commitment.followed_up_session_id == row.id:
                _write(commitment, answer)
    ratings = [a for a in answers if a["kind"] == "rating"]
    if not ratings:
        return
    assessment = s.scalar(select(SkillAssessment).where(SkillAssessment.session_id == row.id))
    if assessment is None:
        assessment = SkillAssessment(org_id=row.org_id, rep_id=row.rep_id, session_id=row.id)
        s.add(assessment)
    assessment.ratings = [SkillRating(skill=a["skill"], rating=max(1, min(5, int(a["value"]))),
                                      note=a.get("note") or "") for a in ratings]
