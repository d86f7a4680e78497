"""Admin pages: the organization's review settings, the webhook deliveries, nudges."""

from flask import g, redirect, request, url_for
from marshmallow import Schema, fields, validate

from models import NUDGE_KINDS, NUDGE_STATUSES, known_zones

from ..db import db
from ..nudges.settings import dump_nudge, nudge_deliveries, set_team_chat, team_chats
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


class NudgeArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(NUDGE_STATUSES))
    kind = fields.String(validate=validate.OneOf(NUDGE_KINDS))


class TeamChatForm(Schema):
    url = fields.String(validate=validate.Length(max=500))
    kind = fields.String(validate=validate.OneOf(("slack", "teams")))


@bp.route("/nudges")
def nudges():
    """Teams' chat webhooks and every reminder and digest, newest first (admins)."""
    result = nudge_deliveries(db.session, g.user, args(NudgeArgs(), request.args))
    items = [dump_nudge(d) for d in result["items"]]
    return page("nudges.html", chats=team_chats(db.session, g.user), query=request.args,
                result={**result, "items": items}, saved=request.args.get("saved"))


@bp.route("/nudges/teams/<int:team_id>", methods=["POST"])
def team_chat(team_id):
    """Set or remove a team's Slack or Teams webhook (admins)."""
    data = {} if request.form.get("clear") else args(TeamChatForm(), request.form)
    set_team_chat(db.session, g.user, team_id, {"url": data.get("url"), "kind": data.get("kind")})
    return redirect(url_for("review.nudges", saved=1))
