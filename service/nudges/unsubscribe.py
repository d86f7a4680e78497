"""Turning nudge emails off without logging in: a signed link in every email, one button.

The token names the user and their email address, signed with SECRET_KEY (itsdangerous, salted
for this use only), so it opens nothing else and stops working if the address changes. Opening
the link only asks; the button (or a mail client's RFC 8058 one-click POST) turns the emails off,
so a link scanner that fetches every URL in a message unsubscribes nobody.
"""

from flask import Blueprint, current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer

from models import User

from ..db import db

bp = Blueprint("nudges", __name__, url_prefix="/unsubscribe", template_folder="../templates")
SALT = "nudge-unsubscribe"


def token_for(secret: str, user: User) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps({"u": user.id, "e": user.email})


def user_of(session, secret: str, token: str) -> User | None:
    """The user a token was made for, or None (bad signature, or the address changed since)."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    return user if user is not None and user.email == data.get("e") else None


def link(base_url: str, secret: str, user: User) -> str:
    return f"{base_url}/unsubscribe/{token_for(secret, user)}"


@bp.route("/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """Ask (GET), then turn the person's nudge emails off (POST); no login needed."""
    from flask import request

    user = user_of(db.session, current_app.config["SECRET_KEY"], token)
    if user is None:
        return render_template("nudges/unsubscribe.html", user=None, invalid=True), 404
    if request.method == "POST":
        user.nudge_emails = False
        db.session.commit()
    return render_template("nudges/unsubscribe.html", user=None, person=user, invalid=False,
                           done=request.method == "POST")
