"""Admin pages: the organization's review settings and the webhook deliveries."""

from flask import g, redirect, request, url_for
from marshmallow import fields, validate

from models import known_zones

from ..db import db
from ..pagination import PageArgs
from .blueprint import bp
from .pages import args, page
from .schemas import ReviewSettingsSchema
from .settings import deliveries, dump_delivery, require_admin, settings_of, update_settings


class ReviewDeliveryArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("pending", "sending", "delivered", "failed")))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Show or change the time zone, transcript visibility and the webhook (admins)."""
    require_admin(g.user)
    if request.method == "POST":
        data = args(ReviewSettingsSchema(), request.form)
        if request.form.get("clear_webhook"):
            data.update(webhook_url=None, webhook_secret=None)
        update_settings(db.session, g.user, data)
        return redirect(url_for("review.settings", saved=1))
    return page("settings.html", settings=settings_of(g.user.organization),
                zones=sorted(known_zones()), saved=request.args.get("saved"))


@bp.route("/webhooks")
def webhooks():
    """Every webhook delivery, newest first, with its last error (admins)."""
    result = deliveries(db.session, g.user, args(ReviewDeliveryArgs(), request.args))
    items = [dump_delivery(d) for d in result["items"]]
    return page("webhooks.html", result={**result, "items": items}, query=request.args)
