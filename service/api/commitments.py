"""Commitments made in coaching sessions: dated actions the rep reports back on next time.

A rep sees and edits their own. Managers and admins see only confirmed ones (a draft belongs
to the rep until they confirm the session), of the reps access.py lets them see.
"""

from flask import current_app, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from models import COMMITMENT_KINDS, COMMITMENT_STATUSES, Commitment, utcnow

from ..access import get_own_commitment, get_readable_commitment, readable_commitments
from ..coach_setup import get_coach
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from ..sessions.ending import redraw_summary
from . import blueprint
from .common import save

blp = blueprint("commitments", __name__, "/commitments", "Commitments from coaching sessions.")


class CommitmentRecordSchema(Schema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    rep_id = fields.Integer(dump_only=True)
    opportunity_id = fields.Integer(allow_none=True, dump_only=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    due_date = fields.Date(allow_none=True, load_default=None)
    measure = fields.String(load_default="", validate=validate.Length(max=2000))
    kind = fields.String(load_default="action", validate=validate.OneOf(COMMITMENT_KINDS))
    status = fields.String(load_default="open", validate=validate.OneOf(COMMITMENT_STATUSES),
                           metadata={"description": "done or dropped close it (closed_at)."})
    confirmed = fields.Boolean(dump_only=True, metadata={
        "description": "False while its session's draft is unconfirmed."})
    outcome_note = fields.String(dump_only=True)
    followed_up_session_id = fields.Integer(allow_none=True, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    closed_at = fields.DateTime(allow_none=True, dump_only=True)


class CommitmentListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(COMMITMENT_STATUSES))
    rep_id = fields.Integer()
    session_id = fields.Integer()
    due_before = fields.Date(metadata={"description": "Due on or before this date."})
    overdue = fields.Boolean(metadata={"description": "Open and due before today."})


def apply(commitment: Commitment, data: dict) -> None:
    for key in ("text", "due_date", "measure", "kind"):
        if key in data:
            setattr(commitment, key, data[key])
    if "status" in data and data["status"] != commitment.status:
        commitment.status = data["status"]
        commitment.closed_at = None if data["status"] == "open" else utcnow()


@blp.route("")
class Commitments(MethodView):
    @blp.arguments(CommitmentListArgs, location="query")
    @blp.response(200, page_of(CommitmentRecordSchema))
    def get(self, args):
        """List commitments you can see (filter status, rep_id, session_id, due_before, overdue)."""
        stmt = readable_commitments(g.user).order_by(Commitment.due_date, Commitment.id)
        for key in ("status", "rep_id", "session_id"):
            if key in args:
                stmt = stmt.where(getattr(Commitment, key) == args[key])
        if "due_before" in args:
            stmt = stmt.where(Commitment.due_date <= args["due_before"])
        if args.get("overdue"):
            stmt = stmt.where(Commitment.status == "open", Commitment.due_date < utcnow().date())
        return paginate(db.session, stmt, args)


@blp.route("/<int:commitment_id>")
class CommitmentById(MethodView):
    @blp.response(200, CommitmentRecordSchema)
    def get(self, commitment_id):
        """Read one commitment."""
        return get_readable_commitment(db.session, g.user, commitment_id)

    @blp.arguments(CommitmentRecordSchema(partial=True))
    @blp.response(200, CommitmentRecordSchema)
    def patch(self, data, commitment_id):
        """Edit your commitment, or report it done or dropped."""
        commitment = get_own_commitment(db.session, g.user, commitment_id)
        apply(commitment, data)
        redraw_summary(db.session, get_coach(current_app), commitment.session)
        return save(commitment)

    @blp.response(204)
    def delete(self, commitment_id):
        """Delete a draft commitment (before its session is confirmed)."""
        commitment = get_own_commitment(db.session, g.user, commitment_id)
        if commitment.confirmed:
            raise ApiError(409, "This commitment is confirmed; mark it dropped instead.")
        db.session.delete(commitment)
        redraw_summary(db.session, get_coach(current_app), commitment.session)
        save()
