"""The terminal coach's prompts: the numbered lists of what to coach on (the sessions the
rep's manager asked for first, then the modes) and which of the rep's own deals or accounts
(the rep types a number, never an id), the sessions the rep left behind, a typed line and a
refusal in a line."""

from __future__ import annotations

import click
from sqlalchemy import select

from models import Account, CoachingSession, Opportunity, SessionAssignment, User

from ..access import own_pipeline
from ..domain_errors import DomainError, Invalid
from ..sessions.assignments import open_for


def read_line(prompt: str) -> str | None:
    """A line the rep typed; None at the end of input (Ctrl-D, Ctrl-C)."""
    try:
        return click.prompt(prompt, prompt_suffix="> ", default="", show_default=False)
    except (click.Abort, EOFError):
        return None


def problem(exc: DomainError) -> str:
    """A refusal in a line: its message, or what was wrong with each field."""
    details = "; ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v)
                        for v in (exc.fields or {}).values() if v)
    return details if isinstance(exc, Invalid) and details else f"{exc.message} {details}".strip()


def pick(title: str, rows: list[str]) -> int:
    """The index of the row the rep picks by its number (asked again until it is one); /quit or
    the end of input leaves with nothing started."""
    click.echo(title)
    for n, text in enumerate(rows, 1):
        click.echo(f"  {n}) {text}")
    while True:
        line = read_line("number")
        if line is None or line.strip() == "/quit":
            click.echo("Nothing started.")
            raise click.exceptions.Exit(0)
        if line.strip().isdigit() and 1 <= int(line) <= len(rows):
            return int(line) - 1
        click.echo(f"Type a number from 1 to {len(rows)} (or /quit).")


def pick_mode(modes: dict) -> str:
    """A mode's key, from the modes in the pickers' order, each with its one-line description."""
    listed = list(modes.values())
    return listed[pick("What shall we coach on?",
                       [f"{m.title} - {m.description}" for m in listed])].key


def _deal(o: Opportunity) -> str:
    return f"{o.name} - {o.account.name}, {o.stage.name}, {o.amount:,.0f} {o.currency}"


def _account(a: Account) -> str:
    return a.name + (f" ({a.segment})" if a.segment else "")


def pick_own(s, rep: User, model) -> int:
    """The id of one of the rep's own open deals (name, account, stage, amount) or accounts."""
    what, line = ("deal", _deal) if model is Opportunity else ("account", _account)
    stmt = own_pipeline(model, rep)
    if model is Opportunity:
        stmt = stmt.where(Opportunity.status == "open")
    rows = list(s.scalars(stmt.order_by(model.name, model.id)))
    if not rows:
        raise click.ClickException(f"This mode is about one of your {what}s, and you have no "
                                   f"open {what} to pick.")
    return rows[pick(f"Which {what}?", [line(r) for r in rows])].id


def describe(s, row: CoachingSession, modes: dict) -> str:
    """'12 (Opportunity strategy, Fabrikam data platform, started ..., 9 messages)'."""
    spec = modes.get(row.mode)
    about = s.get(Opportunity, row.opportunity_id) if row.opportunity_id else \
        s.get(Account, row.account_id) if row.account_id else None
    return (f"{row.id} ({spec.title if spec else row.mode}"
            f"{', ' + about.name if about is not None else ''}, "
            f"started {row.started_at:%Y-%m-%d %H:%M}, {len(row.messages)} messages)")


def ended_drafts(s, rep_id: int) -> list[CoachingSession]:
    """The rep's ended sessions not yet confirmed, newest first: nobody sees them until then."""
    return list(s.scalars(select(CoachingSession).where(
        CoachingSession.rep_id == rep_id, CoachingSession.status == "ended")
        .order_by(CoachingSession.ended_at.desc(), CoachingSession.id.desc())))


def _asked(a: SessionAssignment, modes: dict) -> str:
    spec = modes.get(a.mode)
    about = a.opportunity or a.account
    due = f" by {a.due_date:%a} {a.due_date.day} {a.due_date:%b}" if a.due_date else ""
    return (f"{a.assigned_by.name} asked: {a.note or (spec.title if spec else a.mode)}{due} "
            f"({spec.title if spec else a.mode}{', ' + about.name if about else ''})")


def pick_assignment(s, rep_id: int, modes: dict) -> SessionAssignment | None:
    """The session the rep's manager asked for that the rep starts, offered before anything
    else; None when there is none or the rep picks something else."""
    asked = open_for(s, rep_id)
    if not asked:
        return None
    rows = [_asked(a, modes) for a in asked] + ["Something else"]
    index = pick("Your manager asked for these sessions:", rows)
    return asked[index] if index < len(asked) else None
