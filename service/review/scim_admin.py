"""Admins: the organization's SCIM tokens (issue, shown once; revoke) and the SCIM base URL."""

from flask import g, redirect, request, url_for
from marshmallow import Schema, fields, validate

from ..db import db
from ..errors import ApiError
from ..scim import issue_scim_token, org_tokens, revoke_scim_token
from .blueprint import bp
from .pages import args, page
from .settings import require_admin


class ScimTokenForm(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=200))


def _scim_page(new_token: str | None = None):
    return page("scim.html", tokens=org_tokens(db.session, g.user), new_token=new_token,
                base_url=request.host_url.rstrip("/") + "/scim/v2",
                revoked=request.args.get("revoked"))


@bp.route("/admin/scim")
def scim_settings():
    """The SCIM base URL and the organization's tokens (admins)."""
    require_admin(g.user)
    return _scim_page()


@bp.route("/admin/scim/tokens", methods=["POST"])
def scim_issue():
    """Issue a SCIM token; the page shows it this once (admins)."""
    require_admin(g.user)
    _, plain = issue_scim_token(db.session, g.user, args(ScimTokenForm(), request.form)["name"])
    db.session.commit()
    return _scim_page(new_token=plain)


@bp.route("/admin/scim/tokens/<int:token_id>/revoke", methods=["POST"])
def scim_revoke(token_id):
    """Revoke a SCIM token: the identity provider's next request is refused (admins)."""
    require_admin(g.user)
    if not revoke_scim_token(db.session, g.user, token_id):
        raise ApiError(404, "No such SCIM token in your organization.")
    db.session.commit()
    return redirect(url_for("review.scim_settings", revoked=1))
