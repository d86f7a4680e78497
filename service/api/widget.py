"""Widget tokens for host applications, and the origins allowed to embed the widget."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from models import User

from ..access import may_issue_token_for
from ..auth import require_role, role_required
from ..db import db
from ..errors import ApiError
from ..widget.tokens import mint, normalize_origin, ttl_seconds
from . import blueprint
from .common import save

blp = blueprint("widget", __name__, "/widget", "Short-lived tokens for the embeddable chat widget.")


class WidgetTokenRequestSchema(Schema):
    user_id = fields.Integer(metadata={"description": "The host app's logged-in user (or email)."})
    email = fields.Email()
    origin = fields.String(required=True, validate=validate.Length(max=300),
                           metadata={"description": "The page's origin, e.g. https://crm.acme.com"})

    @validates_schema
    def _one_user(self, data, **kwargs):
        if "user_id" not in data and "email" not in data:
            raise ValidationError("Send user_id or email.", "user_id")


class WidgetTokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})
    origin = fields.String(required=True)
    user_id = fields.Integer(required=True)


class WidgetOriginsSchema(Schema):
    origins = fields.List(fields.String(validate=validate.Length(max=300)), required=True,
                          validate=validate.Length(max=50))


def _target_user(data: dict) -> User:
    """The user the token is for: anyone in the caller's org for admins, else only oneself."""
    if "user_id" in data:
        user = db.session.get(User, data["user_id"])
    else:
        user = db.session.scalar(select(User).where(  # emails are unique per organization
            User.org_id == g.user.org_id, User.email == data["email"].strip().lower()))
    if not may_issue_token_for(g.user, user):
        raise ApiError(404, f"No user {data.get('user_id') or data.get('email')} here.")
    return user


@blp.route("/tokens", methods=["POST"])
@blp.arguments(WidgetTokenRequestSchema)
@blp.response(201, WidgetTokenSchema)
def create_token(data):
    """Mint a widget token for one user and one allowed origin (server to server)."""
    minted = mint(_target_user(data), data["origin"])
    return {"token": minted.token, "expires_at": minted.expires_at, "expires_in": ttl_seconds(),
            "origin": minted.origin, "user_id": minted.user.id}


@blp.route("/origins")
class WidgetOrigins(MethodView):
    @blp.response(200, WidgetOriginsSchema)
    def get(self):
        """The origins allowed to embed the widget (admins)."""
        require_role("admin")
        return {"origins": g.user.organization.widget_origins or []}

    @role_required("admin")
    @blp.arguments(WidgetOriginsSchema)
    @blp.response(200, WidgetOriginsSchema)
    def put(self, data):
        """Replace the allowed origins (admins), e.g. ["https://crm.acme.com"]."""
        clean = [normalize_origin(o) for o in data["origins"]]
        bad = {i: ["Not an origin like https://crm.acme.com."] for i, o in enumerate(clean) if not o}
        if bad:
            raise ApiError(422, "The request did not validate: see fields.", fields={"origins": bad})
        g.user.organization.widget_origins = list(dict.fromkeys(clean))
        save()
        return {"origins": g.user.organization.widget_origins}
