"""SCIM bearer tokens of an organization: issue (shown once), hash, look up, revoke. No app."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Organization, ScimToken, User, utcnow

from ..api_tokens import LAST_USED_GRANULARITY, hash_token

TOKEN_PREFIX = "scim_"


def issue_scim_token(session: Session, admin: User, name: str = "") -> tuple[ScimToken, str]:
    """A new token for the admin's organization; the plain token is returned once, never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(org_id=admin.org_id, name=name, token_hash=hash_token(plain),
                      prefix=plain[:12], created_by_id=admin.id)
    session.add(token)
    return token, plain


def org_for_token(session: Session, plain: str) -> Organization | None:
    """The organization a live token provisions, or None (unknown or revoked)."""
    token = session.scalar(select(ScimToken).where(ScimToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
        session.commit()
    return session.get(Organization, token.org_id)


def org_tokens(session: Session, admin: User) -> list[ScimToken]:
    return list(session.scalars(select(ScimToken).where(ScimToken.org_id == admin.org_id)
                                .order_by(ScimToken.created_at.desc(), ScimToken.id.desc())))


def revoke_scim_token(session: Session, admin: User, token_id: int) -> bool:
    """Revoke one of the admin's organization's tokens; False when it is none of theirs."""
    token = session.get(ScimToken, token_id)
    if token is None or token.org_id != admin.org_id:
        return False
    token.revoked_at = token.revoked_at or utcnow()
    return True
