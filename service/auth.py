"""Bearer-token authentication for the API. Tokens are random, shown once, stored as a hash."""

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken, User, utcnow

from .access import check_widget_reach
from .db import db
from .errors import ApiError

TOKEN_PREFIX = "sc_"
LAST_USED_GRANULARITY = timedelta(minutes=5)
# Other credentials (the widget's short-lived tokens) register (kind, loader): token -> User | None.
# The kind lands on the user (user.credential, not stored): a "widget" credential reaches only
# access.WIDGET_REACH, and only its own user's data (access.by_widget).
extra_token_loaders: list[tuple[str, Callable[[str], User | None]]] = []


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for a user; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plain), prefix=plain[:10])
    session.add(token)
    return token, plain


def user_for_token(session: Session, plain: str) -> User | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    _note_use(session, token)
    return token.user


def _note_use(session: Session, token: ApiToken) -> None:
    """Record when a token was last used, so admins can spot stale ones. At most once per
    LAST_USED_GRANULARITY per token: a write on every request would sit on the hot path."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
        session.commit()  # nothing else is pending: authentication runs before the view


def authenticate() -> None:
    """before_request for API blueprints: sets g.user or answers 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise ApiError(401, "Send a bearer token: 'Authorization: Bearer <token>'.",
                       headers={"WWW-Authenticate": "Bearer"})
    plain = plain.strip()
    user, kind = None, "api"
    if plain.startswith(TOKEN_PREFIX):
        user = user_for_token(db.session, plain)
    else:
        for loader_kind, loader in extra_token_loaders:
            user = loader(plain)
            if user is not None:
                kind = loader_kind
                break
    if user is None:
        raise ApiError(401, "The token is unknown, expired or revoked.",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user.credential = kind
    g.user = user
    if kind == "widget":
        check_widget_reach(request.endpoint, request.method)


def require_role(*roles: str) -> None:
    if g.user.role not in roles:
        raise ApiError(403, f"This needs the {' or '.join(roles)} role.")


def role_required(*roles: str):
    """The role check as a decorator, placed above @blp.arguments: it runs before the body is
    validated, so a caller without the role gets 403, never a 422 about a body they may not send."""
    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)
        return checked
    return decorate
