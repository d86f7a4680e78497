"""Admin pages of privacy: the retention and erasure settings, erasing a user (with a confirm
step), exporting a user's archive, and the read audit (list and CSV)."""

from flask import Response, g, redirect, request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from models import ERASE_FIGURES, PrivacyEvent, User, utcnow

from ..access import get_visible_user
from ..db import db
from ..pagination import PageArgs
from ..privacy import audit
from ..privacy.archive import export_user
from ..privacy.erasure import erase_user
from ..privacy.settings import check_admin, dump_settings, settings_for, update_settings
from .blueprint import bp
from .csv_export import lines
from .pages import args, page


class PrivacyForm(Schema):
    transcript_days = fields.Integer(validate=validate.Range(min=1, max=36500))
    purge_summaries = fields.Boolean()
    purge_commitments = fields.Boolean()
    purge_figures = fields.Boolean()
    erase_figures = fields.String(validate=validate.OneOf(ERASE_FIGURES))


class UserForm(Schema):
    user_id = fields.Integer(required=True)
    confirm = fields.String()


class AuditArgs(PageArgs):
    reader_id = fields.Integer()
    rep_id = fields.Integer()


def _people() -> list:
    return db.session.scalars(select(User).where(User.org_id == g.user.org_id, User.active.is_(True))
                              .order_by(User.name)).all()


@bp.route("/admin/privacy", methods=["GET", "POST"])
def privacy():
    """Retention and erasure settings, erase or export a user, the recent privacy events (admins)."""
    check_admin(g.user)
    if request.method == "POST":
        blank = {"transcript_days": None, "purge_summaries": False, "purge_commitments": False,
                 "purge_figures": False}
        update_settings(db.session, g.user, blank | args(PrivacyForm(), request.form))
        return redirect(url_for("review.privacy", saved=1))
    events = db.session.scalars(select(PrivacyEvent).where(PrivacyEvent.org_id == g.user.org_id)
                                .order_by(PrivacyEvent.at.desc()).limit(20)).all()
    return page("privacy.html", settings=dump_settings(settings_for(db.session, g.user.org_id)),
                people=_people(), events=events, saved=request.args.get("saved"),
                erased=request.args.get("erased"))


@bp.route("/admin/privacy/erase", methods=["POST"])
def privacy_erase():
    """Erase a user: first a page to confirm by typing their email, then the erasure (admins)."""
    check_admin(g.user)
    form = args(UserForm(), request.form)
    target = get_visible_user(db.session, g.user, form["user_id"])
    if form.get("confirm", "").strip().lower() != target.email:
        return page("privacy_erase.html", target=target, mismatch="confirm" in form)
    event = erase_user(db.session, g.user, target.id)
    return redirect(url_for("review.privacy", erased=event.id))


@bp.route("/admin/privacy/export", methods=["POST"])
def privacy_export():
    """Download everything about a user as a JSON archive (admins; recorded)."""
    user_id = args(UserForm(), request.form)["user_id"]
    body = export_user(db.session, g.user, user_id)
    return Response(body, content_type="application/json; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="user-{user_id}-{utcnow():%Y-%m-%d}.json"'})


@bp.route("/admin/audit")
def audit_list():
    """Who read which rep's transcripts, newest first; filter by reader and rep (admins)."""
    query = args(AuditArgs(), request.args)
    return page("audit.html", result=audit.audit_page(db.session, g.user, query), query=query,
                people=_people())


@bp.route("/admin/audit.csv")
def audit_csv():
    """The read audit as CSV, streamed, with the list's filters (admins)."""
    query = args(AuditArgs(), request.args)
    check_admin(g.user)
    body = _streamed(db.sessionmaker, g.user.id, query)
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="read-audit-{utcnow():%Y-%m-%d}.csv"'})


def _streamed(factory, user_id: int, query: dict):
    """The CSV read with a database session of its own: the request's closes before the body is sent."""
    session = factory()
    try:
        yield from lines(audit.AUDIT_COLUMNS, audit.audit_rows(session, session.get(User, user_id), query))
    finally:
        session.close()
