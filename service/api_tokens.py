"""API tokens: random, shown once, stored as a hash. Plain SQLAlchemy, so `flask org create`,
the demo, the eval and the test world issue them without an app."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import ApiToken, User, utcnow

TOKEN_PREFIX = "sc_"
LAST_USED_GRANULARITY = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for a user; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plain), prefix=plain[:10])
    session.add(token)
    return token, plain


def user_for_token(session: Session, plain: str) -> User | None:
    # One statement for the token, its user and the user's organization: every API request
    # reads all three (access rules, limits), and three lazy loads were three round trips.
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain))
        .options(joinedload(ApiToken.user).joinedload(User.organization)))
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
