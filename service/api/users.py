"""Users of an organization: admins manage them; others read who they may see."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import ROLES, Team, User

from ..access import check_keeps_an_admin, get_visible_user, visible_rep_ids
from ..auth import require_role, role_required
from ..coach import language
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from ..review.schemas import known_zone
from . import blueprint
from .common import name_field, save

blp = blueprint("users", __name__, "/users", "Reps, managers and admins.")


def locale_field():
    known = language.shipped()
    return fields.String(load_default="", validate=validate.OneOf(
        ["", *known], error=f"Not a language the coach knows: one of {', '.join(known)}, or '' "
                            "for not set."), metadata={
        "description": "A language code (en, es, de, fr) the user's sessions start in; '' (not "
                       "set): the coach reads the language from the rep's first message. The "
                       "offline coach coaches in English and Spanish; a model engine in each."})


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = name_field(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    team_id = fields.Integer(allow_none=True, load_default=None)
    led_team_ids = fields.List(fields.Integer(), load_default=list,
                               metadata={"description": "Teams a manager leads."})
    password = fields.String(load_only=True, validate=validate.Length(min=10, max=200),
                             metadata={"description": "For browser login (managers, admins)."})
    active = fields.Boolean(load_default=True)
    time_zone = fields.String(load_default="UTC", validate=known_zone, metadata={
        "description": "IANA time zone (Europe/Madrid): the user's today, so a rep's 'by Friday' "
                       "is their Friday."})
    locale = locale_field()
    created_at = fields.DateTime(dump_only=True)


class UserListArgs(PageArgs):
    role = fields.String(validate=validate.OneOf(ROLES))
    team_id = fields.Integer()


def dump_user(user: User) -> dict:
    data = {c: getattr(user, c) for c in ("id", "name", "email", "role", "team_id", "active",
                                          "time_zone", "locale", "created_at")}
    data["led_team_ids"] = [t.id for t in user.led_teams]
    return data


def _team(team_id: int, field: str) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or team.org_id != g.user.org_id:
        raise ApiError(422, "Unknown team.", fields={field: [f"No team {team_id}."]})
    return team


def _apply(user: User, data: dict) -> None:
    if data.get("team_id") is not None:  # 0 too: an id nobody has is unknown, not "no team"
        _team(data["team_id"], "team_id")
    led = [_team(t, "led_team_ids") for t in data.get("led_team_ids", [])]
    # No autoflush: loading user.led_teams to replace it would flush a changed email early and
    # raise its uniqueness conflict here, outside save(), which answers it with 409.
    with db.session.no_autoflush:
        for key in ("name", "email", "role", "active", "time_zone", "locale"):
            if key in data:
                setattr(user, key, data[key].lower() if key == "email" else data[key])
        if "team_id" in data:
            user.team_id = data["team_id"]
        if "led_team_ids" in data:
            user.led_teams = led
    if data.get("password"):
        user.password_hash = generate_password_hash(data["password"])


@blp.route("")
class Users(MethodView):
    @blp.arguments(UserListArgs, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """List the users you can see (paginated, filter by role or team)."""
        stmt = select(User).where(User.id.in_(visible_rep_ids(g.user))).order_by(User.id)
        if "role" in args:
            stmt = stmt.where(User.role == args["role"])
        if "team_id" in args:
            stmt = stmt.where(User.team_id == args["team_id"])
        page = paginate(db.session, stmt, args)
        return {**page, "items": [dump_user(u) for u in page["items"]]}

    @role_required("admin")
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user in your organization (admins)."""
        user = User(org_id=g.user.org_id)
        _apply(user, data)
        save(user, "A user with that email already exists.")
        return dump_user(user)


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """Read one user."""
        return dump_user(get_visible_user(db.session, g.user, user_id))

    @role_required("admin")
    @blp.arguments(UserSchema(partial=True))
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user (admins)."""
        user = get_visible_user(db.session, g.user, user_id)
        check_keeps_an_admin(db.session, user, data.get("role", user.role),
                             data.get("active", user.active))
        _apply(user, data)
        save(user, "A user with that email already exists.")
        return dump_user(user)

    @blp.response(204)
    def delete(self, user_id):
        """Deactivate a user (admins); their history stays for review."""
        require_role("admin")
        user = get_visible_user(db.session, g.user, user_id)
        if user.id == g.user.id:
            raise ApiError(409, "You cannot deactivate yourself.")
        user.active = False
        save()
