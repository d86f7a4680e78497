"""Session assignments: a manager asks a rep of theirs to hold a session (mode, deal or account,
due date, a note); the rep lists their own and starts one with POST /sessions {assignment_id}.

Managers list their teams' assignments, admins their organization's, reps their own
(access.py). Done once the session started from it is confirmed.
"""

from flask import current_app, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import joinedload

from models import ASSIGNMENT_STATUSES, SessionAssignment, utcnow

from ..access import check_may_assign, get_assignment, visible_assignments
from ..coach_setup import get_coach
from ..db import db
from ..pagination import PageArgs, page_of, paginate
from ..sessions.assignments import OPEN, assign, withdraw
from . import blueprint

blp = blueprint("assignments", __name__, "/assignments", "Sessions a manager asks a rep to hold.")


class RefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AssignmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    rep_id = fields.Integer(required=True, metadata={"description": "A rep you manage."})
    rep = fields.Nested(RefSchema, dump_only=True)
    assigned_by = fields.Nested(RefSchema, dump_only=True)
    mode = fields.String(required=True, validate=validate.Length(min=1, max=50),
                         metadata={"description": "A key from GET /modes."})
    opportunity_id = fields.Integer(allow_none=True, load_default=None,
                                    metadata={"description": "One of the rep's own deals."})
    opportunity = fields.Nested(RefSchema, allow_none=True, dump_only=True)
    account_id = fields.Integer(allow_none=True, load_default=None,
                                metadata={"description": "One of the rep's own accounts."})
    account = fields.Nested(RefSchema, allow_none=True, dump_only=True)
    due_date = fields.Date(allow_none=True, load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "What the manager asks, e.g. 'Debrief the Contoso call by Friday'."})
    status = fields.String(dump_only=True, metadata={
        "description": "open; started (its session is under way, session_id); done (confirmed)."})
    overdue = fields.Method("_overdue", dump_only=True)
    session_id = fields.Integer(allow_none=True, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    started_at = fields.DateTime(allow_none=True, dump_only=True)
    done_at = fields.DateTime(allow_none=True, dump_only=True)

    def _overdue(self, row) -> bool:
        return (row.status != "done" and row.due_date is not None
                and row.due_date < row.rep.today())


class AssignmentListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(ASSIGNMENT_STATUSES))
    open = fields.Boolean(metadata={"description": "Only those not done (open or started)."})
    rep_id = fields.Integer()
    overdue = fields.Boolean(metadata={"description": "Not done and due before today."})


def listed(args: dict):
    stmt = visible_assignments(g.user).options(*(joinedload(getattr(SessionAssignment, k)) for k in (
        "rep", "assigned_by", "opportunity", "account"))).order_by(
        SessionAssignment.due_date.is_(None), SessionAssignment.due_date, SessionAssignment.id)
    for key in ("status", "rep_id"):
        if key in args:
            stmt = stmt.where(getattr(SessionAssignment, key) == args[key])
    if args.get("open") or args.get("overdue"):
        stmt = stmt.where(SessionAssignment.status.in_(OPEN))
    if args.get("overdue"):
        stmt = stmt.where(SessionAssignment.due_date < utcnow().date())
    return stmt


@blp.route("")
class Assignments(MethodView):
    @blp.arguments(AssignmentListArgs, location="query")
    @blp.response(200, page_of(AssignmentSchema))
    def get(self, args):
        """List assignments: yours as a rep, your teams' as a manager; soonest due first."""
        return paginate(db.session, listed(args), args)

    @blp.arguments(AssignmentSchema)
    @blp.response(201, AssignmentSchema)
    def post(self, data):
        """Ask a rep you manage to hold a session (managers and admins)."""
        rep = check_may_assign(db.session, g.user, data["rep_id"])
        return assign(db.session, get_coach(current_app), g.user, rep, data)


@blp.route("/<int:assignment_id>")
class AssignmentById(MethodView):
    @blp.response(204)
    def delete(self, assignment_id):
        """Withdraw an assignment not done yet (the rep's manager or an admin)."""
        withdraw(db.session, get_assignment(db.session, g.user, assignment_id, to_start=False))
