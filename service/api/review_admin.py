"""Organization review settings and webhook deliveries (admins)."""

from flask import g
from flask.views import MethodView
from marshmallow import fields, validate

from models import NUDGE_KINDS, NUDGE_STATUSES

from ..db import db
from ..nudges.settings import nudge_deliveries, set_team_chat, team_chats
from ..pagination import PageArgs, page_of
from ..review.schemas import ReviewSettingsSchema
from ..review.settings import deliveries, require_admin, settings_of, update_settings
from . import blueprint
from .review_schemas import NudgeDeliverySchema, ReviewDeliverySchema, TeamChatSchema

blp = blueprint("review_admin", __name__, "/review",
                "Review settings, webhook and nudge deliveries, teams' chat webhooks (admins).")


class ReviewDeliveryArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("pending", "sending", "delivered", "failed")))


@blp.route("/settings")
class Settings(MethodView):
    @blp.response(200, ReviewSettingsSchema)
    def get(self):
        """Transcript visibility and the webhook URL (the secret is never shown)."""
        require_admin(g.user)
        return settings_of(g.user.organization)

    @blp.arguments(ReviewSettingsSchema(partial=True))
    @blp.response(200, ReviewSettingsSchema)
    def patch(self, data):
        """Change transcript visibility ("full" or "summary") or the webhook URL and secret."""
        return update_settings(db.session, g.user, data)


@blp.route("/webhook-deliveries")
@blp.arguments(ReviewDeliveryArgs, location="query")
@blp.response(200, page_of(ReviewDeliverySchema))
def webhook_deliveries(args):
    """Every webhook delivery of the organization, newest first, with its last error."""
    return deliveries(db.session, g.user, args)


class NudgeDeliveryArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(NUDGE_STATUSES))
    kind = fields.String(validate=validate.OneOf(NUDGE_KINDS))


@blp.route("/nudge-deliveries")
@blp.arguments(NudgeDeliveryArgs, location="query")
@blp.response(200, page_of(NudgeDeliverySchema))
def nudges(args):
    """Every reminder and digest of the organization, newest first, with its last error."""
    return nudge_deliveries(db.session, g.user, args)


@blp.route("/team-chats")
@blp.response(200, TeamChatSchema(many=True))
def chats():
    """Each team's Slack or Teams webhook for the weekly digest."""
    return team_chats(db.session, g.user)


@blp.route("/team-chats/<int:team_id>", methods=["PUT"])
@blp.arguments(TeamChatSchema)
@blp.response(200, TeamChatSchema)
def chat(data, team_id):
    """Set a team's chat webhook (https, public; kind slack or teams), or remove it (url null)."""
    return set_team_chat(db.session, g.user, team_id, data)
