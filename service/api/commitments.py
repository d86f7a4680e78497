"""Commitments made in coaching sessions: dated actions the rep reports back on next time.

A rep sees and edits their own. Managers and admins see only confirmed ones (a draft belongs
to the rep until they confirm the session), of the reps access.py lets them see; the rep's
manager (or an admin) may set a confirmed one's status with a note (PUT .../status), and the
rep reads who changed it and why in ``last_change`` (the whole story in ``status_changes``).
"""

from flask import current_app, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import exists

from models import COMMITMENT_KINDS, COMMITMENT_STATUSES, Commitment, CommitmentStatusChange, utcnow

from ..access import (
    get_own_commitment,
    get_readable_commitment,
    get_status_settable_commitment,
    readable_commitments,
)
from ..coach_setup import get_coach
from ..db import db
from ..pagination import PageArgs, page_of, paginate
from ..review.scope import commitment_options
from ..sessions.commitment_status import set_status
from ..sessions.drafts import edit_draft, remove_draft
from . import blueprint

blp = blueprint("commitments", __name__, "/commitments", "Commitments from coaching sessions.")


class ChangedBySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()


class StatusChangeSchema(Schema):
    status = fields.String(attribute="to_status")
    from_status = fields.String()
    note = fields.String(metadata={"description": "Why, in the words of who changed it."})
    changed_at = fields.DateTime()
    by = fields.Nested(ChangedBySchema, attribute="changed_by")


class CommitmentStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(COMMITMENT_STATUSES))
    note = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "Why: the rep reads it beside the commitment."})


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
    last_change = fields.Nested(StatusChangeSchema, allow_none=True, dump_only=True, metadata={
        "description": "The latest status change: who (the rep or their manager), when, why."})
    status_changes = fields.List(fields.Nested(StatusChangeSchema), dump_only=True)


class CommitmentListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(COMMITMENT_STATUSES))
    rep_id = fields.Integer()
    session_id = fields.Integer()
    due_before = fields.Date(metadata={"description": "Due on or before this date."})
    overdue = fields.Boolean(metadata={"description": "Open and due before today."})
    changed_by_other = fields.Boolean(metadata={
        "description": "Only those whose status someone other than the rep set (their manager)."})


@blp.route("")
class Commitments(MethodView):
    @blp.arguments(CommitmentListArgs, location="query")
    @blp.response(200, page_of(CommitmentRecordSchema))
    def get(self, args):
        """List commitments you can see (filter status, rep_id, session_id, due_before, overdue)."""
        stmt = (readable_commitments(g.user).options(*commitment_options())
                .order_by(Commitment.due_date, Commitment.id))
        for key in ("status", "rep_id", "session_id"):
            if key in args:
                stmt = stmt.where(getattr(Commitment, key) == args[key])
        if "due_before" in args:
            stmt = stmt.where(Commitment.due_date <= args["due_before"])
        if args.get("overdue"):
            stmt = stmt.where(Commitment.status == "open", Commitment.due_date < utcnow().date())
        if args.get("changed_by_other"):
            stmt = stmt.where(exists().where(
                CommitmentStatusChange.commitment_id == Commitment.id,
                CommitmentStatusChange.changed_by_id != Commitment.rep_id))
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
        return edit_draft(db.session, get_coach(current_app), commitment, data)

    @blp.response(204)
    def delete(self, commitment_id):
        """Delete a draft commitment (before its session is confirmed)."""
        remove_draft(db.session, get_coach(current_app),
                     get_own_commitment(db.session, g.user, commitment_id))


@blp.route("/<int:commitment_id>/status")
class CommitmentStatus(MethodView):
    @blp.arguments(CommitmentStatusSchema)
    @blp.response(200, CommitmentRecordSchema)
    def put(self, data, commitment_id):
        """Set a confirmed commitment's status with a note (the rep, their manager or an admin)."""
        commitment = get_status_settable_commitment(db.session, g.user, commitment_id)
        return set_status(db.session, g.user, commitment, data["status"], data["note"])
