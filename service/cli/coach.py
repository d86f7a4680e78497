"""`flask coach ...`: a session in the terminal, scripted evaluations, and a fake model server.

The commands run the same orchestration as the API (service/sessions/), so a terminal chat is
stored like any other session.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from ..coach import engine_names

coach_cli = AppGroup("coach", help="Coaching: chat in the terminal, evaluate, fake model server.")


class EngineChoice(click.Choice):
    """The registered engine names, read when a command runs rather than when this module is
    imported, so an engine installed since counts."""

    def __init__(self):
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(engine_names())


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
@click.option("--mode", help="A mode's key (default: pick from the list).")
@click.option("--opportunity", type=int, help="Opportunity id (default: pick from your deals).")
@click.option("--account", type=int, help="Account id (default: pick from your accounts).")
@click.option("--engine", type=EngineChoice(), help="Default: COACH_ENGINE.")
def chat(email, org_id, mode, opportunity, account, engine):
    """Hold a coaching session in the terminal (resumes your active one); /help inside."""
    from ..coach_setup import get_coach
    from .chat import Chat

    app = current_app._get_current_object()
    sm = app.extensions["db"]["sessionmaker"]
    with sm() as s:
        rep_id = _find_rep(s, email, org_id).id
    Chat(sm, get_coach(app, engine), rep_id).run(mode, opportunity, account)


@coach_cli.command("eval")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=EngineChoice(), help="Default: COACH_ENGINE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with transcripts).")
@click.option("--judge", "judge_model", metavar="MODEL",
              help="Also have MODEL (OpenAI-compatible, at OPENAI_BASE_URL) code each coach turn "
                   "with prompts/judge.j2: answers / canned / wrong / tells.")
def evaluate(files, engine, as_json, judge_model):
    """Run scripted conversations (tests/scripts/*.json): coaching and listening figures, and
    record accuracy.

    Exits 1 when any script fails: a record not as expected, something recorded that nobody
    gave, a summary leak, a script the session refused, or a crash. The listening figures
    (repeats, stacked asks, garbles, language) and the judge's codes are reported, never a
    failure: they measure."""
    from ..coach_setup import get_coach
    from ..evaluation import (
        failure_lines,
        listening_table,
        passed,
        record_table,
        run_all,
        table,
    )

    app = current_app._get_current_object()
    rows = run_all(files, lambda: get_coach(app, engine))
    if judge_model:
        from ..coach_setup import get_modes
        from ..evaluation import judge

        judge.judge_rows(rows, judge.Judge(judge.make_client(app.config), judge_model),
                         get_modes(app))
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
    else:
        tables = [table(rows), listening_table(rows)]
        if judge_model:
            tables.append(judge.judge_table(rows))
        click.echo("\n\n".join([*tables, record_table(rows)]))
        failures = failure_lines(rows)
        if failures:
            click.echo("\nFailures:\n" + "\n".join("  " + line for line in failures))
    if not all(passed(row) for row in rows):
        raise SystemExit(1)


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
