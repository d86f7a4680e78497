"""`flask coach ...`: a session in the terminal, scripted evaluations, and a fake model server.

The commands run the same orchestration as the API (service/sessions/), so a terminal chat is
stored like any other session.
"""

from __future__ import annotations

import json
import uuid

import click
from flask import current_app
from flask.cli import AppGroup

from ..coach import EngineError, engine_names
from ..domain_errors import DomainError
from ..errors import error_event

coach_cli = AppGroup("coach", help="Coaching: chat in the terminal, evaluate, fake model server.")


class EngineChoice(click.Choice):
    """The registered engine names, read when a command runs rather than when this module is
    imported, so an engine installed since counts."""

    def __init__(self):
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(engine_names())


def _print_turn(events) -> bool:
    """Print the coach's reply as it streams; False when the turn failed."""
    streamed = False
    for name, data in events:
        if name == "delta":
            if not streamed:
                click.echo("coach> ", nl=False)
            click.echo(data["text"], nl=False)
            streamed = True
        elif name == "replace":
            click.echo("\ncoach (rephrased)> " + data["text"], nl=False)
            streamed = True
        elif name == "done":
            if not streamed:
                click.echo("coach> " + data.reply.text, nl=False)
            click.echo("")
            return True
        elif name == "error":
            error = error_event(data)
            click.echo(f"\n[{error['code']}] {error['message']} Type /retry to resend.", err=True)
            return False
    return False


def _read(prompt: str) -> str | None:
    try:
        return click.prompt(prompt, prompt_suffix="> ", default="", show_default=False)
    except (click.Abort, EOFError):
        return None


def _end(sm, coach, session_id: int) -> bool:
    """Draft, show and maybe confirm the summary; False when the coach could not draft it."""
    from models import CoachingSession

    from ..sessions.ending import edit_summary, end_session

    try:
        end_session(sm, coach, session_id)
    except EngineError as exc:
        click.echo(f"[{error_event(exc)['code']}] The coach could not draft the summary. "
                   "Type /end to try again.", err=True)
        return False
    with sm() as s:
        row = s.get(CoachingSession, session_id)
        click.echo("\nSummary (draft):\n  " + row.summary)
        for c in row.commitments:
            due = c.due_date.isoformat() if c.due_date else "no date"
            click.echo(f"  - [{c.kind}] {c.text} (due {due}{'; ' + c.measure if c.measure else ''})")
        if row.help_asked:
            click.echo("Help asked: " + row.help_asked)
        if click.confirm("Confirm and share this with your manager?", default=False):
            edit_summary(s, row, {"confirmed": True})
            click.echo(f"session {session_id} confirmed")
        else:
            click.echo(f"session {session_id} left as a draft (edit it in the widget or API)")


def _find_rep(s, email: str, org_id: int | None):
    """The user with this email; emails are unique per organization, so --org may be needed."""
    from sqlalchemy import select

    from models import User

    stmt = select(User).where(User.email == email.strip().lower()).order_by(User.org_id)
    users = list(s.scalars(stmt if org_id is None else stmt.where(User.org_id == org_id)))
    if not users:
        raise click.ClickException(f"no user with email {email}"
                                   + (f" in organization {org_id}" if org_id else ""))
    if len(users) > 1:
        orgs = ", ".join(f"{u.org_id} ({u.organization.name})" for u in users)
        raise click.ClickException(f"{len(users)} organizations have a user with email {email}: "
                                   f"pass --org with one of {orgs}")
    return users[0]


@coach_cli.command("chat")
@click.option("--email", required=True, help="The rep coaching themselves.")
@click.option("--org", "org_id", type=int, help="Organization id, when the email is in several.")
@click.option("--mode", default="weekly_review", show_default=True)
@click.option("--opportunity", type=int, help="Opportunity id (modes that need one).")
@click.option("--account", type=int, help="Account id (modes that need one).")
@click.option("--engine", type=EngineChoice(), help="Default: COACH_ENGINE.")
def chat(email, org_id, mode, opportunity, account, engine):
    """Hold a coaching session in the terminal; /end to finish, /quit to leave."""
    from models import CoachingSession

    from ..coach_setup import get_coach
    from ..sessions.claim import accept_message
    from ..sessions.turn import create_session, open_session, run_turn

    app = current_app._get_current_object()
    sm = app.extensions["db"]["sessionmaker"]
    coach = get_coach(app, engine)
    with sm() as s:
        rep = _find_rep(s, email, org_id)
        try:
            # new: each run starts its own session until the terminal resumes the active one
            session_id = create_session(s, coach, rep, mode, opportunity_id=opportunity,
                                        account_id=account, new=True).id
        except DomainError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from exc
    click.echo(f"session {session_id} ({mode}) - /end to finish, /quit to leave")
    if not _print_turn(open_session(sm, coach, session_id)):
        raise click.ClickException("the coach could not open the session; try again")
    pending = None
    while True:
        text = _read("you")
        if text is None or text.strip() == "/quit":
            click.echo(f"left session {session_id}; it stays active")
            return
        if text.strip() == "/end" and _end(sm, coach, session_id):
            return
        if text.strip() in ("", "/end"):
            continue
        client_id = pending[0] if text.strip() == "/retry" and pending else uuid.uuid4().hex
        text = pending[1] if text.strip() == "/retry" and pending else text
        with sm() as s:
            try:
                message, _ = accept_message(s, s.get(CoachingSession, session_id), text, client_id)
            except DomainError as exc:
                click.echo(exc.message, err=True)
                continue
            message_id = message.id
        ok = _print_turn(run_turn(sm, coach, session_id, message_id))
        pending = None if ok else (client_id, text)


@coach_cli.command("eval")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=EngineChoice(), help="Default: COACH_ENGINE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with transcripts).")
def evaluate(files, engine, as_json):
    """Run scripted conversations (tests/scripts/*.json) and print coaching figures."""
    from ..coach_setup import get_coach
    from ..evaluation import run_script, table

    app = current_app._get_current_object()
    rows = [run_script(path, lambda: get_coach(app, engine)) for path in files]
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
    else:
        click.echo(table(rows))


@coach_cli.command("fake-llm")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8089, show_default=True, type=int)
@click.option("--delay", default=0.0, show_default=True, type=float,
              help="Seconds before the first token.")
@click.option("--tokens-per-second", default=50.0, show_default=True, type=float)
@click.option("--fail-every", default=0, show_default=True, type=int,
              help="Answer every Nth request with a 503 (0: never).")
def fake_llm(host, port, delay, tokens_per_second, fail_every):
    """Serve a fake OpenAI-compatible model (point OPENAI_BASE_URL at http://HOST:PORT/v1)."""
    from ..coach.fake_llm import serve

    serve(host, port, delay=delay, tokens_per_second=tokens_per_second, fail_every=fail_every)
