"""Organization review settings and webhook deliveries (admins)."""

from flask import g
from flask.views import MethodView
from marshmallow import fields, validate

from ..db import db
from ..pagination import PageArgs, page_of
from ..review.schemas import ReviewSettingsSchema
from ..review.settings import deliveries, require_admin, settings_of, update_settings
from . import blueprint
from .review_schemas import ReviewDeliverySchema

blp = blueprint("review_admin", __name__, "/review", "Review settings and webhook deliveries (admins).")


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
