"""Liveness with a database check: it must answer, and it must take a write."""

import sqlite3

from marshmallow import Schema, fields
from sqlalchemy import false, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models import Organization

from ..db import db
from ..errors import ApiError
from . import blueprint

blp = blueprint("health", __name__, "", "Service health.", public=True, root="")
PG_READ_ONLY = "25006"  # read_only_sql_transaction: default_transaction_read_only, a hot standby


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True, metadata={"description": '"ok" when it reads and writes.'})


def read_only(error: DBAPIError) -> bool:
    orig = error.orig
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY
    return getattr(orig, "sqlstate", None) == PG_READ_ONLY


def database_state(session: Session) -> str:
    """"ok", "read_only" (it answers but refuses writes) or "unavailable".

    The write is an UPDATE that matches no row, rolled back: it needs a writable database and
    locks no row, yet both databases refuse it when read-only."""
    try:
        session.execute(text("SELECT 1"))
        session.execute(update(Organization).where(false()).values(name=Organization.name))
        return "ok"
    except DBAPIError as exc:
        return "read_only" if read_only(exc) else "unavailable"
    finally:
        session.rollback()


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def health():
    """200 when the database reads and writes; 503 `read_only` or `unavailable` when it does not."""
    state = database_state(db.session)
    if state == "read_only":
        raise ApiError(503, "The database is read-only: nothing can be saved.", code="read_only")
    if state == "unavailable":
        raise ApiError(503, "The database is unavailable.", code="unavailable")
    return {"status": "ok", "database": "ok"}
