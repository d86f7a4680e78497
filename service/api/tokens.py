"""API tokens: created by admins (or for yourself), shown once, revocable."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from models import ApiToken, User, utcnow

from ..access import may_issue_token_for, visible_tokens
from ..api_tokens import issue_token
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from . import blueprint
from .common import save

blp = blueprint("tokens", __name__, "/tokens", "Bearer tokens for the API.")


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "Default: yourself."})
    name = fields.String(load_default="", validate=validate.Length(max=200))
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "Shown only this once."})


@blp.route("")
class Tokens(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TokenSchema))
    def get(self, args):
        """List tokens (never the secret itself)."""
        return paginate(db.session, visible_tokens(g.user).order_by(ApiToken.id), args)

    @blp.arguments(TokenSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data):
        """Create a token; the response is the only time it is shown."""
        user = db.session.get(User, data["user_id"] or g.user.id)
        if not may_issue_token_for(g.user, user):
            raise ApiError(404, f"No user {data['user_id']} here.")
        token, plain = issue_token(db.session, user, data["name"])
        save()
        token.token = plain  # dumped once by NewTokenSchema, never stored
        return token


@blp.route("/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke(token_id):
    """Revoke a token; it stops working at once."""
    token = db.session.scalar(visible_tokens(g.user).where(ApiToken.id == token_id))
    if token is None:
        raise ApiError(404, f"No token {token_id} here.")
    token.revoked_at = token.revoked_at or utcnow()
    save()
