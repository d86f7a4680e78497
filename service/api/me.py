"""The caller's own profile: read it, and set your own time zone, language and nudge emails."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from . import blueprint
from .common import save
from .users import UserSchema, dump_user, known_zone, locale_field

blp = blueprint("me", __name__, "/me", "Who the token belongs to.")


class MeSchema(UserSchema):
    organization = fields.Nested(Schema.from_dict({
        "id": fields.Integer(), "name": fields.String(),
        "transcript_visibility": fields.String(),
        "skills": fields.List(fields.String()),
    }, name="OrganizationBrief"))
    nudge_emails = fields.Boolean(metadata={"description": "Reminder and digest emails (nudges)."})


class MeEditSchema(Schema):
    time_zone = fields.String(validate=known_zone)
    locale = locale_field()
    nudge_emails = fields.Boolean(metadata={
        "description": "false turns off your commitment reminders (and managers' weekly digest)."})


def dump_me() -> dict:
    org = g.user.organization
    return {**dump_user(g.user), "nudge_emails": g.user.nudge_emails, "organization": {
        "id": org.id, "name": org.name, "transcript_visibility": org.transcript_visibility,
        "skills": org.skills}}


@blp.route("")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who you are, your role, team and organization."""
        return dump_me()

    @blp.arguments(MeEditSchema(partial=True))
    @blp.response(200, MeSchema)
    def patch(self, data):
        """Set your own time zone, language (new sessions start in it) and nudge emails."""
        for key, value in data.items():
            setattr(g.user, key, value)
        save(g.user)
        return dump_me()
