"""The /review blueprint: who may open a page (CSRF first, then the logged-in reviewer) and the
template filters its pages share. The pages register their routes on ``bp``."""

from datetime import UTC

from flask import Blueprint, g, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect

from models import COMMITMENT_KIND_WORDS, zone_of

from ..coach.prompt import figures
from ..errors import ApiError
from . import browser_session, charts

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="../templates",
               static_folder="../static/review", static_url_path="/static")
csrf = CSRFProtect()
bp.add_app_template_filter(charts.month_point, "month_point")
bp.add_app_template_filter(charts.week_point, "week_point")
PUBLIC = {"review.login", "review.choose_organization", "review.static",
          "review.sso_start", "review.sso_login", "review.sso_callback"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def load_reviewer():
    """CSRF on every unsafe method; then the logged-in manager or admin (browser_session.py),
    or the login page."""
    if request.method in UNSAFE:
        csrf.protect()
    g.user = user = browser_session.current_user()
    if request.endpoint in PUBLIC:
        return None
    if user is None:
        return redirect(url_for("review.login", next=request.full_path.rstrip("?")))
    if user.role not in ("manager", "admin"):
        raise ApiError(403, "The review pages are for managers and admins. Your own coaching "
                            "sessions are in the coaching chat.")
    return None


@bp.context_processor
def reviewer():
    return {"user": g.get("user")}


def org_zone():
    """The reviewer's organization's time zone (UTC before login): what every page shows."""
    user = g.get("user")
    return zone_of(user.organization.time_zone) if user is not None else UTC


@bp.app_template_filter("when")
def when(value, with_time: bool = True, year: bool = True) -> str:
    """A date, or a moment in the organization's zone with the zone's abbreviation
    ("3 Dec 2026, 09:38 CET"): a bare "03:38" would be UTC and say nothing to a manager.
    ``year=False`` for a day under a month that already says it ("3 Dec")."""
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = value.astimezone(org_zone())
        if with_time:
            return f"{value.day} {value:%b %Y, %H:%M %Z}"
    return f"{value.day} {value:%b %Y}" if year else f"{value.day} {value:%b}"


@bp.app_template_filter("kind")
def kind(value: str) -> str:
    """A commitment's kind as the rep's widget words it ("Start doing", not "create")."""
    return COMMITMENT_KIND_WORDS.get(value, value)


@bp.app_template_filter("money")
def money(value, currency: str = "USD") -> str:
    """An amount as the rep's coach words it (coach/prompt/figures.py); a dash when unknown."""
    return "—" if value is None else figures.money(value, currency)
