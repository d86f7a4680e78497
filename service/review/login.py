"""Browser login for managers and admins: email and password, a session cookie, logout."""

from flask import g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from models import User

from ..db import db
from ..limits import count_failed_review_login, review_login_wait
from . import _pw_marker, bp
from .schemas import ReviewLoginSchema, form_args

WRONG = "That email and password do not match an account. Check both and try again."
TOO_MANY = ("Too many attempts to log in with this email. For your account's safety, wait about "
            "{minutes} before trying again.")
NOT_FOR_REPS = ("These pages are for managers and admins. Your own sessions, summaries and "
                "commitments are in the coaching chat.")


def _safe_next(target: str) -> str:
    """Only a path inside /review: never an open redirect to another site."""
    if target.startswith("/review") and not target.startswith("//"):
        return target
    return url_for("review.dashboard")


def _check(data: dict) -> tuple[User | None, str | None]:
    user = db.session.scalar(select(User).where(func.lower(User.email) == data["email"].strip().lower()))
    if user is None or not user.active or not user.password_hash or not check_password_hash(
            user.password_hash, data["password"]):
        return None, WRONG
    if user.role not in ("manager", "admin"):
        return None, NOT_FOR_REPS
    return user, None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the password and start a session."""
    if request.method == "GET":
        return render_template("review/login.html", next=request.args.get("next", ""), error=None)
    email = request.form.get("email", "")
    wait = review_login_wait(email, request.remote_addr)
    if wait:
        return _form(TOO_MANY.format(minutes=_minutes(wait)), 429, {"Retry-After": str(wait)})
    try:
        data = form_args(ReviewLoginSchema(), request.form)
    except ValidationError:
        data = None
    user, error = _check(data) if data else (None, WRONG)
    if user is None:
        if error == WRONG:
            count_failed_review_login(email, request.remote_addr)
        return _form(error, 401 if error == WRONG else 403)
    session.clear()  # a fresh session: nothing from before login survives
    session.update(review_user_id=user.id, review_pw=_pw_marker(user))
    session.permanent = True
    return redirect(_safe_next(data["next"]))


def _form(error: str, status: int, headers: dict | None = None):
    """The login form again, with the reason and what was typed (never the password)."""
    return render_template("review/login.html", next=request.form.get("next", ""), error=error,
                           email=request.form.get("email", "")), status, headers or {}


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


@bp.route("/logout", methods=["POST"])
def logout():
    """End the browser session."""
    session.clear()
    g.user = None
    return redirect(url_for("review.login"))
