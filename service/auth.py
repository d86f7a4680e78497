"""Bearer-token authentication for the API (the tokens themselves: api_tokens.py)."""

import functools
from collections.abc import Callable

from flask import g, request

from models import User

from .access import check_widget_reach
from .api_tokens import TOKEN_PREFIX, user_for_token
from .db import db
from .errors import ApiError

# Other credentials (the widget's short-lived tokens) register (kind, loader): token -> User | None.
# The kind lands on the user (user.credential, not stored): a "widget" credential reaches only
# access.WIDGET_REACH, and only its own user's data (access.by_widget).
extra_token_loaders: list[tuple[str, Callable[[str], User | None]]] = []


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
