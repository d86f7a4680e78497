"""Privacy: who read the caller's own sessions (the read audit the widget shows the rep)."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from ..db import db
from ..pagination import PageArgs, page_of
from ..privacy.audit import reads_of_rep
from . import blueprint

blp = blueprint("privacy", __name__, "/privacy", "Who read your coaching sessions.")


class ReadArgs(PageArgs):
    session_id = fields.Integer(metadata={"description": "Only the reads of this session."})


class ReadSchema(Schema):
    id = fields.Integer(required=True)
    read_at = fields.DateTime(required=True)
    kind = fields.String(required=True, metadata={"description": "transcript, export or api"})
    session_id = fields.Integer(required=True)
    session = fields.Dict(required=True, metadata={"description": "id, mode, started_at"})
    reader = fields.Dict(required=True, metadata={"description": "id, name, role"})


@blp.route("/reads")
class Reads(MethodView):
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, page_of(ReadSchema))
    def get(self, args):
        """Who (other than you) opened or exported the transcript of each of your sessions, newest first."""
        return reads_of_rep(db.session, g.user, args)
