"""Orchestration between HTTP (or the terminal), the database and the Coach.

The rule that shapes it: no database connection is held across a model call. Each step loads
what it needs in a short session, closes it, runs the Coach, then stores the result in a new
session. Everything yields plain events ``(name, data)`` - delta, replace, done, error - so the
JSON view, the SSE stream and ``flask coach chat`` share one path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models import (
    CoachingSession,
    Commitment,
    Message,
    Opportunity,
    SkillAssessment,
    SkillRating,
    User,
    utcnow,
)

from .. import limits
from ..coach import (
    Coach,
    Delta,
    EngineError,
    Replace,
    SessionState,
    TurnResult,
)
from ..errors import CODES, ApiError
from .claim import CLAIM_SECONDS, TurnTaken, release, store_claimed

log = logging.getLogger(__name__)
Event = tuple[str, dict]
# Called with (db_session, coaching_session) inside the confirming transaction (webhooks...).
confirm_hooks: list[Callable[[Session, CoachingSession], None]] = []


# -- starting a session ------------------------------------------------------------------------

def due_commitments(s: Session, rep_id: int, today: date) -> list[dict]:
    """The rep's confirmed open commitments due by today: the coach asks how each went."""
    rows = s.scalars(select(Commitment).where(
        Commitment.rep_id == rep_id, Commitment.confirmed.is_(True),
        Commitment.status == "open", Commitment.due_date.is_not(None),
        Commitment.due_date <= today).order_by(Commitment.due_date, Commitment.id))
    return [{"id": c.id, "text": c.text, "due_date": c.due_date.isoformat(),
             "measure": c.measure, "kind": c.kind} for c in rows]


def _owned(s: Session, model, object_id: int | None, rep: User, field: str):
    if object_id is None:
        return None
    obj = s.get(model, object_id)
    if obj is None or obj.org_id != rep.org_id or obj.owner_id != rep.id:
        raise ApiError(404, f"No {field} {object_id} of yours here.")
    return obj


def create_session(s: Session, coach: Coach, rep: User, mode: str, *,
                   opportunity_id: int | None = None, account_id: int | None = None,
                   today: date | None = None,
                   claim_seconds: float = CLAIM_SECONDS) -> CoachingSession:
    """Validate, gather the rep's context and store an active session (committed), claimed
    by its opening turn (a message sent before the opening is stored gets reply_pending)."""
    from models import Account

    from .context import build_context

    today = today or utcnow().date()
    spec = coach.modes.get(mode)
    if spec is None:
        raise ApiError(422, "The request did not validate: see fields.",
                       fields={"mode": [f"Unknown mode; choose from {', '.join(coach.modes)}."]})
    if spec.needs == "opportunity" and opportunity_id is None:
        raise ApiError(422, "The request did not validate: see fields.",
                       fields={"opportunity_id": [f"The {spec.title} mode needs an opportunity."]})
    opportunity = _owned(s, Opportunity, opportunity_id, rep, "opportunity")
    if account_id is None and opportunity is not None:
        account_id = opportunity.account_id
    if spec.needs == "account" and account_id is None:
        raise ApiError(422, "The request did not validate: see fields.",
                       fields={"account_id": [f"The {spec.title} mode needs an account."]})
    _owned(s, Account, account_id, rep, "account")
    context = build_context(s, rep.id, opportunity_id=opportunity_id, account_id=account_id,
                            today=today, modes=coach.modes)
    state = SessionState(mode=mode, stage=spec.stages[0].key, context=context, turns=[],
                         due_commitments=due_commitments(s, rep.id, today))
    row = CoachingSession(org_id=rep.org_id, rep_id=rep.id, mode=mode, status="active",
                          opportunity_id=opportunity_id, account_id=account_id,
                          engine=getattr(coach.engine, "name", "guided"),
                          stage=state.stage, state=state.to_dict(), version=1,
                          turn_claimed_until=utcnow() + timedelta(seconds=claim_seconds))
    s.add(row)
    s.commit()
    return row


def open_session(sm: sessionmaker, coach: Coach, session_id: int) -> Iterator[Event]:
    """The coach's opening turn. Unless it is stored, the session is removed: an engine error,
    an exception (a template, a bug) or a client gone mid-stream leaves nothing half-made."""
    stored = False
    try:
        for event in run_turn(sm, coach, session_id, None):
            stored = stored or event[0] == "done"
            yield event
    finally:
        if not stored:
            _quietly(discard_session, sm, session_id)


def discard_session(sm: sessionmaker, session_id: int) -> None:
    """Delete a session that never got its opening reply (it holds no messages)."""
    with sm() as s:
        row = s.get(CoachingSession, session_id)
        if row is not None and not row.messages:
            s.delete(row)
            s.commit()


def _quietly(cleanup, *args) -> None:
    """Clean up after a failed turn without hiding why it failed (that error propagates)."""
    try:
        cleanup(*args)
    except Exception:  # noqa: BLE001 - logged; the original error is the one to answer with
        log.exception("cleaning up after a failed coach turn")


# -- one turn ----------------------------------------------------------------------------------

def error_event(exc: EngineError) -> Event:
    status = getattr(exc, "status", 502)
    message = {504: "The coach took too long to answer.",
               503: "The coach is busy or unavailable right now."}.get(
        status, "The coach's answer came back broken.")
    return ("error", {"code": CODES.get(status, "bad_gateway"), "status": status,
                      "message": message + " Your message is saved: send it again to retry.",
                      "retryable": True, "retry_after": getattr(exc, "retry_after", None)})


def run_turn(sm: sessionmaker, coach: Coach, session_id: int, rep_message_id: int | None, *,
             loaded: tuple[dict, str, str] | None = None, row: CoachingSession | None = None,
             keep: dict | None = None) -> Iterator[Event]:
    """Run the Coach for one rep message (or the opening) and store its guarded reply.

    The session must be claimed for this turn (accept_message, create_session): ``row`` is it as
    claimed, detached (its session closed), so the reply is stored against the claimed version
    without reading it again; ``loaded`` = (state dict, rep text, rep stage) the caller has just
    read with it. Without them both are read here. ``keep`` receives the stored reply message
    and session row. A turn that stores nothing gives its claim back."""
    if loaded is not None and rep_message_id and row is not None:
        state_data, rep_text, rep_stage = loaded
        state = SessionState.from_dict(state_data)
    else:
        with sm() as s:
            row = s.get(CoachingSession, session_id)
            state = SessionState.from_dict(row.state)
            rep = s.get(Message, rep_message_id) if rep_message_id else None
            rep_text, rep_stage = (rep.text, rep.stage) if rep else (None, None)
    stored = False
    try:
        reply = None
        try:
            items = coach.open(state) if rep_text is None else coach.respond(state, rep_text)
            for item in items:
                if isinstance(item, Delta):
                    yield "delta", {"text": str(item)}
                elif isinstance(item, Replace):
                    yield "replace", {"text": item.text}
                elif isinstance(item, TurnResult):
                    reply = item
        except EngineError as exc:
            log.warning("coach turn failed in session %s: %s", session_id, exc)
            yield error_event(exc)
            return
        if reply is None:
            yield error_event(EngineError("the coach produced no reply"))
            return
        try:
            done = store_reply(sm, session_id, rep_message_id, state, reply, rep_stage=rep_stage,
                               row=row, keep=keep)
        except TurnTaken:
            stored = True  # not ours to release any more
            yield "error", TAKEN
            return
        stored = True
        yield "done", done
    finally:
        if not stored:  # if even that fails (the database is down), the claim lapses
            _quietly(release, sm, session_id, row.version)


TAKEN = {"code": "reply_pending", "status": 409, "retryable": True, "retry_after": None,
         "message": "This turn took too long and was taken over by a resend of your message."}


def store_reply(sm: sessionmaker, session_id: int, rep_message_id: int | None,
                state: SessionState, reply: TurnResult, *, rep_stage: str | None = None,
                row: CoachingSession | None = None, keep: dict | None = None) -> dict:
    """One transaction: the coach message, the new state, follow-ups and skill ratings.

    ``row`` is the session as claimed for this turn (detached); the state is written only if
    the session is still at that version (else TurnTaken, nothing written)."""
    with sm() as s:
        if row is None:
            row = s.get(CoachingSession, session_id)
        guard = reply.guard or {}
        message = Message(session_id=session_id, role="coach", text=reply.text, stage=reply.stage or "",
                          reply_to_id=rep_message_id, prompt_tokens=reply.prompt_tokens or 0,
                          completion_tokens=reply.completion_tokens or 0,
                          guard_outcome=guard.get("outcome", ""),
                          guard_reasons=list(guard.get("reasons", [])))
        store_claimed(s, row, state=state.to_dict(), stage=reply.stage or row.stage)
        s.add(message)
        rep_turn = next((t for t in reversed(state.turns) if t.role == "rep"), None)
        if rep_message_id and rep_turn is not None and rep_turn.stage \
                and rep_turn.stage != rep_stage:
            s.execute(update(Message).where(Message.id == rep_message_id)
                      .values(stage=rep_turn.stage))
        if reply.commitment_update:
            _follow_up(s, row, reply.commitment_update)
        if reply.skill_ratings:
            _rate_skills(s, row, reply.skill_ratings)
        limits.charge_tokens(s, row.org_id, message.prompt_tokens + message.completion_tokens)
        s.commit()
        if keep is not None:
            keep.update(reply=message, row=row,
                        rep_stage=rep_turn.stage if rep_turn and rep_turn.stage else rep_stage)
        return done_data(message, row)


def done_data(message: Message, row: CoachingSession) -> dict:
    return {"message_id": message.id, "stage": message.stage, "rep_message_id": message.reply_to_id,
            "text": message.text, "created_at": message.created_at.isoformat(),
            "guard_outcome": message.guard_outcome, "session_status": row.status}


def _follow_up(s: Session, row: CoachingSession, update: dict) -> None:
    commitment = s.get(Commitment, update.get("id"))
    if commitment is None or commitment.rep_id != row.rep_id:
        return  # the model named a commitment that is not this rep's: ignore it
    status = update.get("status") or "open"
    commitment.status = status if status in ("open", "done", "dropped") else "open"
    commitment.outcome_note = (update.get("note") or "")[:2000]
    commitment.followed_up_session_id = row.id
    commitment.closed_at = utcnow() if commitment.status != "open" else None


def _rate_skills(s: Session, row: CoachingSession, ratings: list[dict]) -> None:
    assessment = s.scalar(select(SkillAssessment).where(SkillAssessment.session_id == row.id))
    if assessment is None:
        assessment = SkillAssessment(org_id=row.org_id, rep_id=row.rep_id, session_id=row.id)
        s.add(assessment)
    known = {r.skill: r for r in assessment.ratings}
    for item in ratings:
        rating = max(1, min(5, int(item["rating"])))
        if item["skill"] in known:
            known[item["skill"]].rating = rating
            known[item["skill"]].note = item.get("note") or ""
        else:
            known[item["skill"]] = SkillRating(skill=item["skill"], rating=rating,
                                               note=item.get("note") or "")
            assessment.ratings.append(known[item["skill"]])
