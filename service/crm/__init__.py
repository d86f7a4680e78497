"""CRM connectors: `flask crm sync --org ID [--provider]` (on demand), `flask crm run --loop` (the
schedule: every connection whose interval has passed); the admin page is service/review/crm.py."""

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models import CrmConnection

from .sync import run_due, sync_connection

crm_cli = AppGroup("crm", help="HubSpot and Salesforce connections.")


def describe(run) -> str:
    return (f"{run.connection.provider}: {run.status}; created {run.created}, updated {run.updated}, "
            f"unchanged {run.unchanged}, rejected {run.rejected}" + (f"; {run.error}" if run.error else ""))


@crm_cli.command("sync")
@click.option("--org", "org_id", type=int, required=True, help="The organization's id.")
@click.option("--provider", type=click.Choice(("hubspot", "salesforce")), help="Only this CRM.")
def sync_command(org_id, provider):
    """Sync the organization's connections now (enabled or not)."""
    from ..db import db

    query = select(CrmConnection).where(CrmConnection.org_id == org_id)
    if provider:
        query = query.where(CrmConnection.provider == provider)
    connections = db.session.scalars(query).all()
    if not connections:
        raise click.ClickException(f"organization {org_id} has no {provider or 'CRM'} connection")
    for connection in connections:
        run = sync_connection(db.session, connection, current_app.config)
        click.echo(describe(run) if run else f"{connection.provider}: a run is already going")
        for reason in (run.rejections if run else [])[:20]:
            click.echo(f"  rejected {reason}")


@crm_cli.command("run")
@click.option("--loop", is_flag=True, help="Keep going (run it as its own process).")
@click.option("--interval", type=float, help="Seconds between rounds (default CRM_POLL_SECONDS).")
def run_command(loop, interval):
    """Sync every enabled connection whose interval has passed (once, or forever with --loop)."""
    from ..db import db
    from ..webhooks import run_worker

    if loop:
        app = current_app._get_current_object()
        run_worker(app, interval or app.config["CRM_POLL_SECONDS"], threading.Event(),
                   lambda session: run_due(session, app.config))
        return
    runs = run_due(db.session, current_app.config)
    for run in runs:
        click.echo(describe(run))
    if not runs:
        click.echo("nothing due")


def sync_in_background(app: Flask, connection_id: int) -> threading.Thread:
    """"Sync now" from the admin page: the run in a thread with its own database session."""
    def work():
        with app.app_context():
            session = app.extensions["db"]["sessionmaker"]()
            try:
                sync_connection(session, session.get(CrmConnection, connection_id), app.config)
            finally:
                session.close()
    thread = threading.Thread(target=work, daemon=True, name=f"crm-sync-{connection_id}")
    app.extensions.setdefault("crm_threads", []).append(thread)
    thread.start()
    return thread


def init_app(app: Flask) -> None:
    app.cli.add_command(crm_cli)
