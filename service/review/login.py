"""Browser login for managers and admins: email and password, a session cookie, logout.

An email is unique within one organization only. The login checks the password against every
account with that email; when accounts of several organizations match (same email, same
password), a second step asks which organization to open.
"""

import functools
import secrets

from flask import g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models import User

from .. import clock
from ..db import db
from ..limits import count_failed_review_login, review_login_succeeded, review_login_wait
from ..sso.admission import password_login_allowed
from . import browser_session
from .blueprint import bp
from .schemas import ReviewLoginSchema, form_args
from .sso_flow import end_session_url

WRONG = "That email and password do not match an account. Check both and try again."
TOO_MANY = ("Too many attempts to log in with this email. For your account's safety, wait about "
            "{minutes} before trying again.")
NOT_FOR_REPS = ("These pages are for managers and admins. Your own sessions, summaries and "
                "commitments are in the coaching chat.")
CHOICE_EXPIRED = "That choice took too long or was not offered. Log in again."
CHOICE_SECONDS = 300  # the organization step must follow the password within five minutes
REVIEW_ROLES = ("manager", "admin")
SSO_ONLY = ("Your organization signs in with single sign-on, not a password. Use "
            "“Sign in with SSO” below.")


def _safe_next(target: str) -> str:
    """Only a path inside /review: never an open redirect to another site."""
    if target.startswith("/review") and not target.startswith("//"):
        return target
    return url_for("review.dashboard")


def _check(data: dict) -> tuple[list[User], str | None]:
    """The review accounts this email and password open, or why none."""
    email = data["email"].strip().lower()
    accounts = db.session.scalars(select(User).where(
        User.email == email, User.password_hash.is_not(None)).order_by(User.org_id)).all()
    if not accounts:  # hash anyway: an unknown email must take as long as a known one
        check_password_hash(_dummy_hash(), data["password"])
    matching = [u for u in accounts if check_password_hash(u.password_hash, data["password"])]
    matching = [u for u in matching if u.active]  # after hashing: inactive takes as long too
    if not matching:
        return [], WRONG
    reviewers = [u for u in matching if u.role in REVIEW_ROLES]
    if not reviewers:
        return [], NOT_FOR_REPS
    allowed = [u for u in reviewers if password_login_allowed(db.session, u)]
    return allowed, None if allowed else SSO_ONLY


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made like real ones (werkzeug's default method)."""
    return generate_password_hash(secrets.token_urlsafe(16))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the password and start a session."""
    if request.method == "GET":
        return render_template("review/login.html", next=request.args.get("next", ""), error=None)
    email = request.form.get("email", "")
    wait = review_login_wait(email, request.remote_addr)
    if wait:
        return _form(TOO_MANY.format(minutes=_minutes(wait)), 429, {"Retry-After": str(wait)})
    users, error, data = _verify(email)
    if error:
        return _form(error, 401 if error == WRONG else 403)
    return _start(users[0], data["next"]) if len(users) == 1 else _offer_choice(users, data["next"])


def _verify(email: str) -> tuple[list[User], str | None, dict]:
    """Check the posted password; charge a failure to the limits, or start the account afresh."""
    try:
        data = form_args(ReviewLoginSchema(), request.form)
    except ValidationError:
        data = {}
    users, error = _check(data) if data else ([], WRONG)
    if error == WRONG:
        count_failed_review_login(email, request.remote_addr)
    else:
        review_login_succeeded(email)  # the password was right, even for a rep
    return users, error, data


@bp.route("/login/organization", methods=["POST"])
def choose_organization():
    """The second step, when the email and password open accounts in several organizations."""
    offer = session.get("review_choice") or {}
    chosen = request.form.get("user_id", type=int)
    fresh = clock.now() - offer.get("at", 0) < CHOICE_SECONDS
    user = db.session.get(User, chosen) if fresh and chosen in offer.get("ids", []) else None
    if user is None or not user.active or user.role not in REVIEW_ROLES:
        session.clear()
        return _form(CHOICE_EXPIRED, 400)
    return _start(user, offer.get("next", ""))


def _offer_choice(users: list[User], next_path: str):
    session.clear()
    session.update(review_choice={"ids": [u.id for u in users], "at": clock.now(), "next": next_path})
    return render_template("review/choose_org.html", accounts=users)


def _start(user: User, next_path: str):
    browser_session.start(user)
    return redirect(_safe_next(next_path))


def _form(error: str, status: int, headers: dict | None = None):
    """The login form again, with the reason and what was typed (never the password)."""
    return render_template("review/login.html", next=request.form.get("next", ""), error=error,
                           email=request.form.get("email", "")), status, headers or {}


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


@bp.route("/logout", methods=["POST"])
def logout():
    """End this user's browser sessions: this one, and any copy of its cookie elsewhere."""
    provider_logout = end_session_url()  # read before the session is cleared
    browser_session.end(g.user)
    g.user = None
    if provider_logout:  # a page, not a redirect: form-action 'self' covers a form's redirects
        return render_template("review/sso_continue.html", heading="Logged out",
                               text="You are logged out here. Now ending your single sign-on.",
                               link="End the single sign-on session", target=provider_logout)
    return redirect(url_for("review.login"))
