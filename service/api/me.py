"""The caller's own profile."""

from flask import g
from marshmallow import Schema, fields

from . import blueprint
from .users import UserSchema, dump_user

blp = blueprint("me", __name__, "/me", "Who the token belongs to.")


class MeSchema(UserSchema):
    organization = fields.Nested(Schema.from_dict({
        "id": fields.Integer(), "name": fields.String(),
        "transcript_visibility": fields.String(),
        "skills": fields.List(fields.String()),
    }, name="OrganizationBrief"))


@blp.route("")
@blp.response(200, MeSchema)
def me():
    """Who you are, your role, team and organization."""
    org = g.user.organization
    return {**dump_user(g.user), "organization": {
        "id": org.id, "name": org.name, "transcript_visibility": org.transcript_visibility,
        "skills": org.skills}}
