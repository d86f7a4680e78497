"""Liveness with a database check."""

from marshmallow import Schema, fields
from sqlalchemy import text

from ..db import db
from ..errors import ApiError
from . import blueprint

blp = blueprint("health", __name__, "", "Service health.", public=True, root="")


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def health():
    """Answer 200 when the service and its database work, 503 when the database does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:
        raise ApiError(503, "The database is unavailable.", code="unavailable") from exc
    return {"status": "ok", "database": "ok"}
