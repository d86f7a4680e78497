"""A rep's message, and one coach turn at a time per session (SQLite and PostgreSQL alike),
without a lock held across the model call.

A turn *claims* the session when it stores the rep's message (or when a resend takes a failed
turn over): ``UPDATE coaching_sessions SET version = version + 1, turn_claimed_until = ...
WHERE id = ? AND version = ?`` with the version it read, in the transaction that stores the
message. Of two requests that read the same version, exactly one updates a row; the other gets
409 ``reply_pending`` and stores nothing. The reply is stored the same way (``WHERE version`` =
the claimed one), then the claim is cleared; a turn that fails clears it too, so the resend of
the same ``client_message_id`` goes ahead at once. A process that dies mid-turn cannot clear it:
the claim lapses at ``turn_claimed_until`` (TURN_CLAIM_SECONDS, longer than the slowest model
call), and then the resend takes the turn over.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from models import CoachingSession, Message, User, utcnow

from ..coach import quick_replies
from ..domain_errors import Conflict, Invalid

# 2 model calls a turn at most (a guard regeneration), each up to COACH_TIMEOUT x (retries + 1).
CLAIM_SECONDS = 2 * 30.0 * 3 + 10


class TurnTaken(Conflict):
    """The session moved on under this turn (its claim lapsed and a resend took it over)."""

    def __init__(self):
        super().__init__("This turn took too long and was taken over by a resend of your message.",
                         code="reply_pending", fields={"retryable": True})


def reply_pending(message: Message | None, until: datetime | None = None) -> Conflict:
    """reply_pending: another turn of this session is being answered (or awaits a resend)."""
    fields, wait = {}, None
    if message is not None:
        fields["client_message_id"] = [message.client_message_id or ""]
    if until is not None:
        wait = max(1, math.ceil((until - utcnow()).total_seconds()))
        text = "The coach is still answering your previous message: wait for that reply."
    else:
        text = ("Your previous message has no reply yet: send it again with its "
                "client_message_id to retry.")
    return Conflict(text, code="reply_pending", fields=fields, retry_after=wait)


def claim(s: Session, row: CoachingSession, seconds: float = CLAIM_SECONDS,
          waiting: Message | None = None) -> None:
    """Claim ``row`` for one turn in the caller's transaction (the caller commits), or raise
    reply_pending (rolled back). ``row`` is the session as read; on success it carries the
    claimed version, which :func:`store_claimed` and :func:`release` expect."""
    now = utcnow()
    if row.turn_claimed_until is not None and row.turn_claimed_until > now:
        raise reply_pending(waiting, row.turn_claimed_until)
    until = now + timedelta(seconds=seconds)
    done = s.execute(update(CoachingSession).where(
        CoachingSession.id == row.id, CoachingSession.version == row.version)
        .values(version=row.version + 1, turn_claimed_until=until)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:  # another request claimed it since we read it
        s.rollback()
        raise reply_pending(waiting, until)
    set_committed_value(row, "version", row.version + 1)
    set_committed_value(row, "turn_claimed_until", until)


def store_claimed(s: Session, row: CoachingSession, **values) -> None:
    """Write the turn's result to the session it claimed, releasing the claim; raises TurnTaken
    (nothing written) when the session is no longer at the claimed version."""
    done = s.execute(update(CoachingSession).where(
        CoachingSession.id == row.id, CoachingSession.version == row.version)
        .values(version=row.version + 1, turn_claimed_until=None, **values)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise TurnTaken()
    for key, value in {"version": row.version + 1, "turn_claimed_until": None, **values}.items():
        set_committed_value(row, key, value)


def release(sm: sessionmaker, session_id: int, version: int) -> None:
    """A turn that stored nothing gives the session back (its resend may go at once)."""
    with sm() as s:
        s.execute(update(CoachingSession).where(
            CoachingSession.id == session_id, CoachingSession.version == version)
            .values(version=version + 1, turn_claimed_until=None)
            .execution_options(synchronize_session=False))
        s.commit()


# -- the rep's message -------------------------------------------------------------------------

_REPLY = aliased(Message)


@lru_cache(maxsize=2)
def _lookup_statement(owner: bool):
    """Built once (building costs more than running it); bound by sid, cmid (and rep, org)."""
    sid, cmid = bindparam("sid"), bindparam("cmid")
    last_rep = select(func.max(Message.id)).where(
        Message.session_id == sid, Message.role == "rep").scalar_subquery()
    counted = aliased(Message)
    rep_turns = select(func.count(counted.id)).where(
        counted.session_id == sid, counted.role == "rep").correlate(None).scalar_subquery()
    stmt = (select(CoachingSession, rep_turns, Message, _REPLY)
            .outerjoin(Message, and_(Message.session_id == CoachingSession.id, or_(
                Message.client_message_id == cmid, Message.id == last_rep)))
            .outerjoin(_REPLY, _REPLY.reply_to_id == Message.id)
            .where(CoachingSession.id == sid)
            .execution_options(populate_existing=True))
    if owner:
        stmt = stmt.where(CoachingSession.rep_id == bindparam("rep"),
                          CoachingSession.org_id == bindparam("org"))
    return stmt


def lookup_turn(s: Session, session_id: int, client_message_id: str,
                rep: User | None = None) -> dict | None:
    """One query: the session (fresh; None when ``rep`` is given and it is not theirs), how many
    rep messages it holds, the message with this client_message_id, the rep's last message and
    their replies."""
    params = {"sid": session_id, "cmid": client_message_id}
    if rep is not None:
        params.update(rep=rep.id, org=rep.org_id)
    found = s.execute(_lookup_statement(rep is not None), params).all()
    if not found:
        return None
    return {"row": found[0][0], "rep_turns": found[0][1] or 0,
            "pairs": [(m, r) for _, _, m, r in found if m is not None]}


def turn_kind(found: dict, client_message_id: str) -> str:
    """'answered' (a resend with its reply stored), 'resend' (a stored message without a reply)
    or 'new': resends are free, only a new message counts against the limits."""
    existing = next((r for m, r in found["pairs"] if m.client_message_id == client_message_id),
                    False)
    if existing is False:
        return "new"
    return "resend" if existing is None else "answered"


def offered_label(row: CoachingSession, choice: str) -> str:
    """The label of the quick reply ``choice`` among those the coach's last turn offered, or
    Invalid naming the ones it may be."""
    offered = ((row.state or {}).get("flow") or {}).get("offered")
    label = quick_replies.label(offered, choice)
    if label is None:
        values = ", ".join(o["value"] for o in (offered or {}).get("options", []))
        raise Invalid({"choice": [f"Choose one of: {values}." if values else
                                  "The coach's last message offers no quick replies."]})
    return label


def accept_message(s: Session, row: CoachingSession, text: str, client_message_id: str, *,
                   found: dict | None = None, choice: str | None = None,
                   claim_seconds: float = CLAIM_SECONDS) -> tuple[Message, Message | None]:
    """Store the rep's message and claim the session for its reply (committed), or find the
    earlier one; returns (rep, reply|None). A resend without a reply claims the session again,
    to retry the turn. reply_pending while another turn of the session is pending.

    ``found`` is what :func:`lookup_turn` returned, when the caller already looked. ``choice``
    is a quick reply the coach's last turn offered; with no words typed, its label is the
    message's text."""
    pairs = (found or lookup_turn(s, row.id, client_message_id))["pairs"]
    existing = next(((m, r) for m, r in pairs if m.client_message_id == client_message_id), None)
    if existing is not None and existing[1] is not None:
        return existing
    if row.status != "active":
        raise Conflict(f"This session is {row.status}; it takes no new messages.")
    if existing is not None:
        claim(s, row, claim_seconds, waiting=existing[0])
        s.commit()
        return existing
    pending = next((m for m, r in pairs if r is None), None)
    if pending is not None:
        raise reply_pending(pending)
    if choice is not None:
        label = offered_label(row, choice)
        text = text if text and text.strip() else label
    elif not (text or "").strip():
        raise Invalid({"text": ["Say something: the message is empty."]})
    claim(s, row, claim_seconds)
    message = Message(session_id=row.id, role="rep", text=text, stage=row.stage,
                      client_message_id=client_message_id, choice=choice)
    s.add(message)
    s.commit()
    return message, None
