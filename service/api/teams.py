"""Teams: admins manage them; managers see the teams they lead, reps their own."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from models import Team

from ..access import visible_teams
from ..auth import require_role, role_required
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from . import blueprint
from .common import name_field, save

blp = blueprint("teams", __name__, "/teams", "Teams of reps, led by managers.")


class TeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = name_field(required=True)
    manager_ids = fields.Method("_managers", dump_only=True)
    member_ids = fields.Method("_members", dump_only=True)
    created_at = fields.DateTime(dump_only=True)

    def _managers(self, team):
        return [u.id for u in team.managers]

    def _members(self, team):
        return [u.id for u in team.members]


def get_team(team_id: int) -> Team:
    team = db.session.scalar(visible_teams(g.user).where(Team.id == team_id))
    if team is None:
        raise ApiError(404, f"No team {team_id} here.")
    return team


@blp.route("")
class Teams(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TeamSchema))
    def get(self, args):
        """List the teams you can see."""
        return paginate(db.session, visible_teams(g.user).order_by(Team.id), args)

    @role_required("admin")
    @blp.arguments(TeamSchema)
    @blp.response(201, TeamSchema)
    def post(self, data):
        """Create a team (admins)."""
        return save(Team(org_id=g.user.org_id, **data))


@blp.route("/<int:team_id>")
class TeamById(MethodView):
    @blp.response(200, TeamSchema)
    def get(self, team_id):
        """Read one team."""
        return get_team(team_id)

    @role_required("admin")
    @blp.arguments(TeamSchema(partial=True))
    @blp.response(200, TeamSchema)
    def patch(self, data, team_id):
        """Rename a team (admins)."""
        team = get_team(team_id)
        team.name = data.get("name", team.name)
        return save(team)

    @blp.response(204)
    def delete(self, team_id):
        """Delete an empty team (admins)."""
        require_role("admin")
        team = get_team(team_id)
        if team.members:
            raise ApiError(409, "Move the team's members to another team first.")
        db.session.delete(team)
        save()


