"""Review browser sessions: what the signed cookie holds, and when it stops opening pages.

The cookie (Flask's signed session) holds the user id, the user's session_version at login, the
login time and the time of the last request. It opens the pages only while the user is active
and still has that session_version (logout, a password change, a role change and deactivation
bump it, which ends every session of that user at once: models/org.py), while less than
REVIEW_SESSION_IDLE_MINUTES have passed since the last request, and less than
REVIEW_SESSION_MAX_HOURS since login. Nothing else in the cookie is trusted.
"""

from flask import current_app, session

from models import User

from .. import clock
from ..db import db


def start(user: User) -> None:
    """A fresh session for the user: nothing from before login survives."""
    session.clear()
    now = clock.now()
    session.update(review_user_id=user.id, review_version=user.session_version,
                   review_login_at=now, review_seen_at=now)
    session.permanent = True  # the cookie's own lifetime is the absolute one (config.py)


def current_user() -> User | None:
    """The logged-in user, or None (and the session cleared) when it has ended."""
    user_id = session.get("review_user_id")
    if not user_id:
        return None
    user = db.session.get(User, user_id)
    now = clock.now()
    if user is None or not user.active or session.get("review_version") != user.session_version \
            or _expired(now):
        session.clear()
        return None
    session["review_seen_at"] = now
    return user


def _expired(now: float) -> bool:
    config = current_app.config
    idle = now - session.get("review_seen_at", 0) > config["REVIEW_SESSION_IDLE_MINUTES"] * 60
    return idle or now - session.get("review_login_at", 0) > config["REVIEW_SESSION_MAX_HOURS"] * 3600


def end(user: User) -> None:
    """Log out: every session of this user ends, on this browser and any other."""
    user.end_sessions()
    db.session.commit()
    session.clear()
