"""Admin page /review/admin/crm: connect HubSpot or Salesforce, enable, schedule, sync now, runs."""

from flask import current_app, g, redirect, request, url_for
from marshmallow import Schema, fields, validate

from models import CRM_PROVIDERS

from ..access import get_crm_connection
from ..crm import settings, sync_in_background
from ..db import db
from .blueprint import bp
from .pages import args, page


class ConnectForm(Schema):
    provider = fields.String(required=True, validate=validate.OneOf(CRM_PROVIDERS))
    access_token = fields.String(validate=validate.Length(max=500))
    username = fields.String(validate=validate.Length(max=200))
    password = fields.String(validate=validate.Length(max=200))
    security_token = fields.String(validate=validate.Length(max=200))
    domain = fields.String(validate=validate.OneOf(("", "login", "test")))
    instance_url = fields.String(validate=validate.Regexp(r"^(https://[^\s]+)?$"))
    session_id = fields.String(validate=validate.Length(max=500))


class ConnectionForm(Schema):
    enabled = fields.Boolean(load_default=False)
    interval_minutes = fields.Integer(required=True, validate=validate.Range(5, 7 * 24 * 60))
    stage_map = fields.String(validate=validate.Length(max=5000))


@bp.route("/admin/crm")
def crm_page():
    """The organization's CRM connections, their schedule and last runs (admins)."""
    return page("crm.html", connections=settings.connections_of(db.session, g.user),
                providers=CRM_PROVIDERS, said=request.args.get("said"))


@bp.route("/admin/crm/connect", methods=["POST"])
def crm_connect():
    """Store a CRM's credentials (sealed; never shown back) (admins)."""
    settings.connect(db.session, g.user, args(ConnectForm(), request.form), current_app.config)
    return redirect(url_for("review.crm_page", said="connected"))


@bp.route("/admin/crm/<int:connection_id>", methods=["POST"])
def crm_update(connection_id):
    """Enable or disable a connection, its interval and stage map (admins)."""
    settings.update(db.session, g.user, connection_id, args(ConnectionForm(), request.form))
    return redirect(url_for("review.crm_page", said="saved"))


@bp.route("/admin/crm/<int:connection_id>/sync", methods=["POST"])
def crm_sync_now(connection_id):
    """Start a sync of the connection now, in the background (admins)."""
    get_crm_connection(db.session, g.user, connection_id)
    sync_in_background(current_app._get_current_object(), connection_id)
    return redirect(url_for("review.crm_page", said="started"))


@bp.route("/admin/crm/<int:connection_id>/delete", methods=["POST"])
def crm_disconnect(connection_id):
    """Remove a connection and its runs; imported records stay (admins)."""
    settings.disconnect(db.session, g.user, connection_id)
    return redirect(url_for("review.crm_page", said="removed"))
