"""Widget tokens: short-lived, signed, bound to one user and one allowed browser origin.

The host application's backend mints one for its logged-in user with an organization API
token; the browser only ever holds this short-lived credential. Nothing is stored: the
signature (SECRET_KEY) and the embedded issue time are the whole proof.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from models import User

from ..db import db
from ..errors import ApiError

PREFIX = "wt_"
SALT = "salescoach.widget-token.v1"


@dataclass
class MintedToken:
    token: str
    expires_at: datetime
    origin: str
    user: User


def normalize_origin(value: str) -> str | None:
    """scheme://host[:port] in lower case, or None when it is not a web origin."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or parts.username or parts.password:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def ttl_seconds() -> int:
    return int(current_app.config["WIDGET_TOKEN_TTL"])


def mint(user: User, origin: str) -> MintedToken:
    """Sign a token for a user and one of their organization's allowed origins (else 422)."""
    clean = normalize_origin(origin)
    allowed = {normalize_origin(o) for o in user.organization.widget_origins or []}
    if clean is None or clean not in allowed:
        raise ApiError(422, "The request did not validate: see fields.", fields={"origin": [
            "Not one of this organization's widget origins; an admin adds it with "
            "PUT /api/v1/widget/origins."]})
    if not user.active:
        raise ApiError(422, "That user is deactivated.", fields={"user_id": ["Deactivated."]})
    token = PREFIX + _serializer().dumps({"u": user.id, "o": clean, "org": user.org_id})
    expires_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=ttl_seconds())
    return MintedToken(token, expires_at, clean, user)


def request_origin() -> str | None:
    """The calling page's origin: the Origin header, else (same-origin GETs) the Referer's."""
    origin = request.headers.get("Origin")
    if not origin and request.referrer:
        parts = urlsplit(request.referrer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return normalize_origin(origin) if origin else None


def load_widget_user(plain: str) -> User | None:
    """auth.extra_token_loaders entry: a valid widget token used from its bound origin."""
    if not plain.startswith(PREFIX):
        return None
    try:
        claims = _serializer().loads(plain[len(PREFIX):], max_age=ttl_seconds())
    except SignatureExpired:
        return None
    except BadSignature:
        return None
    # the organization is read next (origins), and by the access rules: one statement for both
    user = db.session.get(User, claims.get("u"), options=[joinedload(User.organization)])
    if user is None or not user.active or user.org_id != claims.get("org"):
        return None
    if claims.get("o") not in {normalize_origin(o) for o in user.organization.widget_origins or []}:
        return None  # the origin was removed from the allowed list since the token was minted
    if request_origin() != claims.get("o"):
        raise ApiError(403, "This widget token belongs to another website.", code="wrong_origin")
    return user
