"""Coaching-quality figures of sessions: stored by the sessions API, else computed from messages."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CoachingSession, Message

# The figures the review pages show, in order, with their labels.
SHOWN = [
    ("rep_word_share", "Rep share of words"),
    ("questions_per_coach_turn", "Questions per coach turn"),
    ("telling_count", "Coach telling"),
    ("open_question_share", "Open questions"),
    ("rep_turns", "Rep turns"),
]


def from_messages(messages, commitments_made: int = 0, context: dict | None = None) -> dict:
    """The engine's own session_metrics over stored messages, the coach's read in the language
    they were written in (the session ``context`` says)."""
    from ..coach import session_metrics
    from ..coach.language.session import replies_in

    turns = [{"role": m.role, "text": m.text, "stage": m.stage, "intent": m.intent,
              "guard": {"outcome": m.guard_outcome} if m.guard_outcome else {}} for m in messages]
    return session_metrics(turns, commitments_made, 0, replies_in(context))


def _context(coaching: CoachingSession) -> dict:
    return (coaching.state or {}).get("context") or {}


def metrics_of(coaching: CoachingSession, messages=None) -> dict:
    if coaching.metrics:
        return coaching.metrics
    return from_messages(messages if messages is not None else coaching.messages,
                         len(coaching.commitments), _context(coaching))


def metrics_for_many(session: Session, sessions: list[CoachingSession]) -> dict[int, dict]:
    """Figures for many sessions: one query for the messages of those that stored none."""
    result = {s.id: s.metrics for s in sessions if s.metrics}
    missing = [s.id for s in sessions if not s.metrics]
    contexts = {s.id: _context(s) for s in sessions}
    if missing:
        grouped = defaultdict(list)
        rows = session.execute(select(Message.session_id, Message.role, Message.text, Message.stage,
                                      Message.guard_outcome, Message.intent)
                               .where(Message.session_id.in_(missing)).order_by(Message.id))
        for row in rows:
            grouped[row.session_id].append(row)
        for session_id in missing:
            result[session_id] = from_messages(grouped[session_id], context=contexts[session_id])
    return result


def average(metrics: list[dict]) -> dict:
    """Mean of each shown figure over sessions (None when no session has it)."""
    out = {}
    for key, _label in SHOWN:
        values = [m[key] for m in metrics if m.get(key) is not None]
        out[key] = round(sum(values) / len(values), 2) if values else None
    out["sessions"] = len(metrics)
    return out


def shown(metrics: dict) -> list[tuple[str, str, object]]:
    """(key, label, formatted value) for the template."""
    rows = []
    for key, label in SHOWN:
        value = metrics.get(key)
        if value is None:
            text = "—"
        elif key in ("rep_word_share", "open_question_share"):
            text = f"{round(value * 100)}%"
        else:
            text = f"{value:g}"
        rows.append((key, label, text))
    return rows
