"""Coaching modes: what a rep can coach themselves on (the widget's picker)."""

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from ..coach_setup import get_modes
from . import blueprint

blp = blueprint("modes", __name__, "/modes", "Coaching modes, read from the mode files.")


class ModeSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    needs = fields.String(required=True, metadata={
        "description": '"opportunity", "account" or "": what a session in this mode needs.'})


@blp.route("")
class Modes(MethodView):
    @blp.response(200, ModeSchema(many=True))
    def get(self):
        """List the coaching modes (key, title, description, what each needs)."""
        return list(get_modes(current_app).values())
