"""The /review blueprint: who may open a page (CSRF first, then the logged-in reviewer) and the
template filters its pages share. The pages register their routes on ``bp``."""

from flask import Blueprint, g, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect

from ..coach.prompt import figures
from ..errors import ApiError
from . import browser_session

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="../templates",
               static_folder="../static/review", static_url_path="/static")
csrf = CSRFProtect()
PUBLIC = {"review.login", "review.choose_organization", "review.static"}
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


@bp.app_template_filter("when")
def when(value, with_time: bool = True) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour") and with_time:
        return f"{value.day} {value:%b %Y, %H:%M}"
    return f"{value.day} {value:%b %Y}"


@bp.app_template_filter("money")
def money(value, currency: str = "USD") -> str:
    """An amount as the rep's coach words it (coach/prompt/figures.py); a dash when unknown."""
    return "—" if value is None else figures.money(value, currency)
