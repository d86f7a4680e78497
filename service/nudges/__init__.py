"""Nudges: commitment reminders to reps, weekly digests to managers and to teams' chats.

`flask nudges run` (cron, hourly or daily) queues what is due (schedule.py), each nudge once;
`flask nudges deliver` (once, or --loop as a worker process; or NUDGE_WORKER=1 for a thread in
the web process) sends them by email or to Slack/Teams, retried with the webhooks' backoff.
"""

import threading
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .deliver import deliver_due
from .schedule import enqueue
from .unsubscribe import bp

nudges_cli = AppGroup("nudges", help="Reminders and digests by email, Slack or Teams.")


@nudges_cli.command("run")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Queue for this date (everyone's), not each person's today.")
@click.option("--digest/--no-digest", default=None,
              help="Queue the weekly digests whatever the weekday (or never).")
@click.option("--deliver/--no-deliver", default=True, show_default=True,
              help="Also send what is due now.")
def run_command(day, digest, deliver):
    """Queue the nudges due now (each once), then send what is due."""
    from ..db import db

    queued = enqueue(db.session, current_app.config, day.date() if day else None, digests=digest)
    click.echo(f"queued: {queued or 'nothing new'}")
    if deliver:
        click.echo(f"sent: {deliver_due(db.session) or 'none due'}")


def scheduled(config, every: float = 3600.0):
    """A worker round that also queues what is due, once every `every` seconds (the Procfile's
    worker then needs no cron; the keys keep a restart from queueing anything twice)."""
    last = [0.0]

    def round_(db_session):
        if time.monotonic() - last[0] >= every:
            enqueue(db_session, config)
            last[0] = time.monotonic()
        return deliver_due(db_session)
    return round_


@nudges_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep polling (run it as its own process).")
@click.option("--schedule", is_flag=True, help="With --loop: also queue what is due, every hour.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between rounds.")
def deliver_command(loop, schedule, interval):
    """Send the queued nudges that are due (once, or forever with --loop)."""
    from ..db import db
    from ..webhooks import run_worker

    if loop:
        app = current_app._get_current_object()
        run_worker(app, interval, threading.Event(), scheduled(app.config) if schedule else deliver_due)
        return
    click.echo(f"sent: {deliver_due(db.session) or 'none due'}")


def init_app(app: Flask) -> None:
    from ..webhooks import run_worker

    app.cli.add_command(nudges_cli)
    app.register_blueprint(bp)
    if app.config["NUDGE_WORKER"] and not app.config.get("TESTING"):
        stop = threading.Event()
        app.extensions["nudge_worker"] = stop
        threading.Thread(target=run_worker, args=(app, 30.0, stop, deliver_due), daemon=True,
                         name="nudge-worker").start()


__all__ = ["deliver_due", "enqueue", "init_app"]
