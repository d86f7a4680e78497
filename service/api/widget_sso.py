"""Widget tokens for a bearer of an ID token from the organization's own OpenID provider."""

from flask import request
from marshmallow import Schema, fields, validate

from ..domain_errors import Forbidden
from ..errors import ApiError
from ..review import sso_flow
from ..widget.tokens import PREFIX, mint, ttl_seconds
from . import blueprint
from .widget import WidgetTokenSchema

blp = blueprint("widget_sso", __name__, "/widget/sso-tokens", "Widget tokens for an ID token "
                "of the organization's single sign-on provider.", public=True)


@blp.before_request
def refuse_widget_tokens():
    """A widget token is no ID token: refused as everywhere else it does not reach, before the body."""
    if request.headers.get("Authorization", "").partition(" ")[2].strip().startswith(PREFIX):
        raise Forbidden("A widget token reaches only the coaching widget's own calls; "
                        "send the provider's ID token here.", code="widget_token")


class SsoWidgetTokenRequestSchema(Schema):
    org_id = fields.Integer(required=True)
    origin = fields.String(required=True, validate=validate.Length(max=300))


@blp.route("", methods=["POST"])
@blp.arguments(SsoWidgetTokenRequestSchema)
@blp.response(201, WidgetTokenSchema)
def create_sso_token(data):
    """Swap 'Authorization: Bearer <ID token>' for a short-lived widget token (never an API token)."""
    scheme, _, id_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not id_token.strip():
        raise ApiError(401, "Send the ID token: 'Authorization: Bearer <ID token>'.")
    try:
        user = sso_flow.bearer_user(data["org_id"], id_token.strip())
    except sso_flow.Refused as error:
        raise ApiError(401 if error.status in (400, 401, 403) else error.status, error.reason) \
            from error
    minted = mint(user, data["origin"])
    return {"token": minted.token, "expires_at": minted.expires_at, "expires_in": ttl_seconds(),
            "origin": minted.origin, "user_id": minted.user.id}
