"""Single sign-on pages: sign in through the organization's provider, its refusals, the admin
settings, and a widget token for a user signed in that way."""

from flask import current_app, g, jsonify, redirect, render_template, request, session, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from models import ROLES, SsoConfig, User

from ..credentials import box_for
from ..db import db
from ..errors import ApiError
from ..sso.admission import config_of, save_config
from ..widget.tokens import mint, ttl_seconds
from . import browser_session, sso_flow
from .blueprint import bp
from .login import REVIEW_ROLES, _safe_next
from .pages import args, page
from .settings import require_admin

NO_SSO_FOR_EMAIL = ("No organization signs in {email} with single sign-on. Use your password, "
                    "or ask your admin for your organization's sign-in link.")


class SsoStartForm(Schema):
    email = fields.Email(required=True)
    next = fields.String(load_default="", validate=validate.Length(max=500))


class SsoSettingsForm(Schema):
    issuer = fields.Url(required=True, require_tld=False, schemes={"http", "https"},
                        validate=validate.Length(max=500))
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=300))
    client_secret = fields.String(validate=validate.Length(max=1000))
    allowed_domains = fields.String(load_default="", validate=validate.Length(max=1000))
    jit_create = fields.Boolean(load_default=False)
    default_role = fields.String(load_default="rep", validate=validate.OneOf(ROLES))
    password_login_enabled = fields.Boolean(load_default=False)


class WidgetTokenForm(Schema):
    origin = fields.String(required=True, validate=validate.Length(max=300))


def refused(error: sso_flow.Refused):
    """The refusal page: why, and no session."""
    session.pop("review_user_id", None)
    return render_template("review/sso_refused.html", reason=error.reason), error.status


@bp.route("/sso/start", methods=["POST"])
def sso_start():
    """The login page's SSO button: the organization whose user (or domain) the email is."""
    data = args(SsoStartForm(), request.form)
    email = data["email"].strip().lower()
    orgs = set(db.session.scalars(select(SsoConfig.org_id).join(
        User, User.org_id == SsoConfig.org_id).where(User.email == email)))
    domain = email.rpartition("@")[2]
    orgs |= {c.org_id for c in db.session.scalars(select(SsoConfig)) if domain in
             (c.allowed_domains or []) and c.jit_create}
    if len(orgs) != 1:
        return render_template("review/login.html", next=data["next"], email=email,
                               error=NO_SSO_FOR_EMAIL.format(email=email)), 404
    return render_template("review/sso_continue.html", heading="Sign in with SSO",
                           text="On to your organization's sign-in page.",
                           link="Continue to single sign-on",
                           target=url_for("review.sso_login", org_id=orgs.pop(), next=data["next"]))


@bp.route("/sso/<int:org_id>/login")
def sso_login(org_id):
    """Send the browser to the organization's provider (state, nonce, PKCE S256)."""
    try:
        return redirect(sso_flow.begin(org_id, request.args.get("next", "")))
    except sso_flow.Refused as error:
        return refused(error)


@bp.route("/sso/callback")
def sso_callback():
    """The provider's answer: check it, then the same browser session a password login makes."""
    try:
        user, sso, next_path = sso_flow.finish(request.args)
        if user.role not in REVIEW_ROLES:
            raise sso_flow.Refused(sso_flow.NOT_FOR_REPS)
    except sso_flow.Refused as error:
        return refused(error)
    browser_session.start(user)
    sso_flow.remember(sso)
    return redirect(_safe_next(next_path))


@bp.route("/sso/widget-token", methods=["POST"])
def sso_widget_token():
    """A short-lived widget token for the user signed in here through SSO (never an API token)."""
    if not session.get("review_sso"):
        raise ApiError(403, "Only a session signed in with single sign-on gets a token here.")
    minted = mint(g.user, args(WidgetTokenForm(), request.form)["origin"])
    return jsonify(token=minted.token, expires_at=minted.expires_at.isoformat(),
                   expires_in=ttl_seconds(), origin=minted.origin, user_id=g.user.id), 201


@bp.route("/admin/sso", methods=["GET", "POST"])
def sso_settings():
    """The organization's OpenID provider and who it admits (admins)."""
    require_admin(g.user)
    if request.method == "POST":
        data = args(SsoSettingsForm(), request.form)
        data["allowed_domains"] = data["allowed_domains"].replace(",", " ").split()
        save_config(db.session, g.user.org_id, data, box_for(current_app.config))
        return redirect(url_for("review.sso_settings", saved=1))
    return page("sso_settings.html", config=config_of(db.session, g.user.org_id), roles=ROLES,
                redirect_uri=sso_flow.redirect_uri(), post_logout_uri=sso_flow.post_logout_uri(),
                login_link=sso_flow.login_link(g.user.org_id), saved=request.args.get("saved"))
