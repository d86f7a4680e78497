"""Privacy: retention (`flask privacy run`, once or --loop as the Procfile's worker), erasure and
export of a user (`flask privacy export --user ID`), and the read audit shown to the rep."""

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .retention import run_retention

privacy_cli = AppGroup("privacy", help="Retention, erasure, export and the read audit.")


@privacy_cli.command("run")
@click.option("--loop", is_flag=True, help="Keep running (as its own process), every PRIVACY_INTERVAL.")
def run_command(loop):
    """Delete the transcripts (and what goes with them) older than each organization keeps."""
    from ..db import db
    from ..webhooks import run_worker

    if loop:
        app = current_app._get_current_object()
        run_worker(app, float(app.config["PRIVACY_INTERVAL"]), threading.Event(), run_retention)
        return
    done = run_retention(db.session)
    click.echo("\n".join(f"org {org}: {counts}" for org, counts in done.items())
               or "no organization keeps transcripts for a limited time")


@privacy_cli.command("export")
@click.option("--user", "user_id", type=int, required=True, help="The user's id.")
@click.option("--out", type=click.File("w"), default="-", help="File to write (default stdout).")
def export_command(user_id, out):
    """Everything about a user as a JSON archive (recorded as an export)."""
    from ..db import db
    from .archive import export_user

    out.write(export_user(db.session, None, user_id) + "\n")


def init_app(app: Flask) -> None:
    app.cli.add_command(privacy_cli)


__all__ = ["init_app", "run_retention"]
