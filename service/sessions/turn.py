"""Orchestration between HTTP (or the terminal), the database and the Coach.

The rule that shapes it: no database connection is held across a model call. Each step loads
what it needs in a short session, closes it, runs the Coach, then stores the result in a new
session. Everything yields plain events ``(name, data)`` - delta, replace, done, error - so the
JSON view, the SSE stream and ``flask coach chat`` share one path. ``done`` carries the
StoredTurn; ``error`` the EngineError or DomainError that ended the turn with no reply stored.
Refusals raise the errors of service/domain_errors.py; service/errors.py says how each is
answered over HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import (
    CoachingSession,
    Commitment,
    Message,
    Opportunity,
    User,
    utcnow,
)

from ..access import get_own
from ..coach import (
    Coach,
    Delta,
    EngineError,
    Replace,
    SessionState,
    TurnResult,
)
from ..domain_errors import Invalid
from ..token_usage import charge_tokens
from .answers import record_follow_up
from .claim import CLAIM_SECONDS, TurnTaken, release, store_claimed
from .lifecycle import check_none_active, discard_unopened

log = logging.getLogger(__name__)
Event = tuple[str, object]  # delta, replace: {"text"}; done: a StoredTurn; error: the exception
# Called with (db_session, coaching_session) inside the confirming transaction (webhooks...).
confirm_hooks: list[Callable[[Session, CoachingSession], None]] = []


# -- starting a session ------------------------------------------------------------------------

def due_commitments(s: Session, rep_id: int, today: date) -> list[dict]:
    """The rep's confirmed open commitments due by today that no session has asked about yet:
    the coach asks how each went, once (an answer 'not yet' is an answer; asking again in every
    session, minutes later, taught reps to type anything to get past it)."""
    rows = s.scalars(select(Commitment).where(
        Commitment.rep_id == rep_id, Commitment.confirmed.is_(True),
        Commitment.status == "open", Commitment.followed_up_session_id.is_(None),
        Commitment.due_date.is_not(None),
        Commitment.due_date <= today).order_by(Commitment.due_date, Commitment.id))
    return [{"id": c.id, "text": c.text, "due_date": c.due_date.isoformat(),
             "measure": c.measure, "kind": c.kind} for c in rows]


def create_session(s: Session, coach: Coach, rep: User, mode: str, *,
                   opportunity_id: int | None = None, account_id: int | None = None,
                   today: date | None = None, new: bool = False, language: str = "",
                   claim_seconds: float = CLAIM_SECONDS) -> CoachingSession:
    """Validate, gather the rep's context and store an active session (committed), claimed
    by its opening turn (a message sent before the opening is stored gets reply_pending).
    While the rep has an active session this is refused (``session_active``, naming it) unless
    ``new``: a start resumes the open conversation rather than leaving it behind. The session
    speaks ``language`` when given, else the rep's locale, else what their messages tell."""
    from models import Account

    from .context import build_context

    today = today or rep.today()  # the rep's date: 'by Friday' is their Friday
    spec = coach.modes.get(mode)
    if spec is None:
        raise Invalid({"mode": [f"Unknown mode; choose from {', '.join(coach.modes)}."]})
    if spec.needs == "opportunity" and opportunity_id is None:
        raise Invalid({"opportunity_id": [f"The {spec.title} mode needs an opportunity."]})
    if opportunity_id is not None:
        opportunity = get_own(s, Opportunity, opportunity_id, rep, "opportunity")
        account_id = opportunity.account_id if account_id is None else account_id
    if spec.needs == "account" and account_id is None:
        raise Invalid({"account_id": [f"The {spec.title} mode needs an account."]})
    if account_id is not None:
        get_own(s, Account, account_id, rep, "account")
    if not new:
        check_none_active(s, rep.id)
    context = build_context(s, rep.id, opportunity_id=opportunity_id, account_id=account_id,
                            today=today, modes=coach.modes, language=language or rep.locale,
                            language_source="chosen" if language else "locale")
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
            _quietly(discard_unopened, sm, session_id)


def _quietly(cleanup, *args) -> None:
    """Clean up after a failed turn without hiding why it failed (that error propagates)."""
    try:
        cleanup(*args)
    except Exception:  # noqa: BLE001 - logged; the original error is the one to answer with
        log.exception("cleaning up after a failed coach turn")


# -- one turn ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredTurn:
    """A turn as the transaction that stored it left its rows, so no consumer (the JSON view, the
    event stream, the terminal) reads them again: the coach's reply, the rep's message it answers
    (None for the opening) with the stage the flow gave it, and the session after the turn."""

    reply: Message
    rep_message: Message | None
    session: CoachingSession


def run_turn(sm: sessionmaker, coach: Coach, session_id: int, rep_message_id: int | None, *,
             row: CoachingSession | None = None, rep: Message | None = None) -> Iterator[Event]:
    """Run the Coach for one rep message (or the opening) and store its guarded reply; the last
    event is ``done`` with the StoredTurn, or ``error`` with why nothing was stored.

    The session must be claimed for this turn (accept_message, create_session). The caller that
    has just read them passes ``row``, the session as claimed, and ``rep``, the rep's message,
    both detached (their session closed): the reply is stored against the claimed version
    without reading either again. Without them both are read here. A turn that stores nothing
    gives its claim back."""
    if row is None:
        with sm() as s:
            row = s.get(CoachingSession, session_id)
            rep = s.get(Message, rep_message_id) if rep_message_id else None
    state = SessionState.from_dict(row.state)
    stored = False
    try:
        reply = None
        try:
            items = coach.open(state) if rep is None else \
                coach.respond(state, rep.text, rep.choice)
            for item in items:
                if isinstance(item, Delta):
                    yield "delta", {"text": str(item)}
                elif isinstance(item, Replace):
                    yield "replace", {"text": item.text}
                elif isinstance(item, TurnResult):
                    reply = item
        except EngineError as exc:
            log.warning("coach turn failed in session %s: %s", session_id, exc)
            yield "error", exc
            return
        if reply is None:
            yield "error", EngineError("the coach produced no reply")
            return
        try:
            done = store_reply(sm, row, rep, state, reply)
        except TurnTaken as taken:
            stored = True  # not ours to release any more
            yield "error", taken
            return
        stored = True
        yield "done", done
    finally:
        if not stored:  # if even that fails (the database is down), the claim lapses
            _quietly(release, sm, session_id, row.version)


def stored_turn(events: Iterator[Event]) -> StoredTurn:
    """Run a turn to its end, cleanup included: what it stored, or raise why it stored nothing."""
    last: Event = ("error", EngineError("the coach produced no reply"))
    for name, data in events:
        if name in ("done", "error"):
            last = (name, data)
    if last[0] == "error":
        raise last[1]
    return last[1]


def store_reply(sm: sessionmaker, row: CoachingSession, rep: Message | None,
                state: SessionState, reply: TurnResult) -> StoredTurn:
    """One transaction: the coach message (with the quick replies it offers), the new state,
    and the follow-ups answered (a picked answer is written to its commitment; ratings wait for
    the rep's confirmation, answers.py).

    ``row`` is the session as claimed for this turn and ``rep`` the rep's message, both
    detached; the state is written only if the session is still at the claimed version (else
    TurnTaken, nothing written)."""
    with sm() as s:
        guard = reply.guard or {}
        message = Message(session_id=row.id, role="coach", text=reply.text, stage=reply.stage or "",
                          reply_to_id=rep.id if rep else None,
                          prompt_tokens=reply.prompt_tokens or 0,
                          completion_tokens=reply.completion_tokens or 0,
                          guard_outcome=guard.get("outcome", ""), intent=reply.intent or "",
                          guard_reasons=list(guard.get("reasons", [])), choices=reply.choices)
        store_claimed(s, row, state=state.to_dict(), stage=reply.stage or row.stage)
        s.add(message)
        rep_turn = next((t for t in reversed(state.turns) if t.role == "rep"), None)
        if rep is not None and rep_turn is not None and rep_turn.stage \
                and rep_turn.stage != rep.stage:
            s.add(rep)  # back into a session, so the new stage is written and kept on it
            rep.stage = rep_turn.stage
        for answer in reply.answers:
            if answer["kind"] == "follow_up":
                record_follow_up(s, row, answer)
        charge_tokens(s, row.org_id, message.prompt_tokens + message.completion_tokens)
        s.commit()
        return StoredTurn(message, rep, row)
