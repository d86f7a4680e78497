"""flask commands: `db upgrade`, `org create`, `demo load`."""

import click
from flask import Flask
from flask.cli import AppGroup

from ..db import db
from ..world import create_organization

db_cli = AppGroup("db", help="Database schema.")
org_cli = AppGroup("org", help="Organizations.")
demo_cli = AppGroup("demo", help="Demo data.")


def alembic_config(url: str):
    from alembic.config import Config

    from ..config import ROOT

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision):
    """Bring the schema up to REVISION (default: head)."""
    from alembic import command
    from flask import current_app

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at {revision}")


@org_cli.command("create")
@click.argument("name")
@click.option("--admin-name", required=True, help="The first admin's name.")
@click.option("--admin-email", required=True, help="The first admin's email.")
def org_create(name, admin_name, admin_email):
    """Create an organization with its admin and print the admin's API token (shown once)."""
    # No check against other organizations' users: an email is unique within one organization.
    admin, token = create_organization(db.session, name, admin_name, admin_email)
    click.echo(f"organization {admin.org_id} created; admin {admin.email}")
    click.echo(f"API token (shown once, keep it): {token}")


@demo_cli.command("load")
def demo_load():
    """Load the demo organization (idempotent: does nothing when it is there)."""
    from ..demo import load_demo

    result = load_demo(db.session)
    click.echo(result)


def init_app(app: Flask) -> None:
    from .coach import coach_cli
    from .imports import import_cli

    for group in (db_cli, org_cli, demo_cli, coach_cli, import_cli):
        app.cli.add_command(group)
