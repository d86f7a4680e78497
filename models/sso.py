"""Single sign-on: one OpenID Connect provider per organization, and how it admits users."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class SsoConfig(Base):
    """An organization's OpenID provider. Users are matched by email within this organization."""

    __tablename__ = "sso_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    # Fernet-sealed (service/credentials.py): we must send it back to the provider, so no hash.
    client_secret_sealed: Mapped[str | None] = mapped_column(Text)
    # lower-case domains an email must end in ("acme.com"); empty = any the provider vouches for
    allowed_domains: Mapped[list] = mapped_column(JSON, default=list)
    # an unknown email that the provider vouches for gets an account with default_role
    jit_create: Mapped[bool] = mapped_column(default=False)
    default_role: Mapped[str] = mapped_column(String(20), default="rep")
    # False: the password form refuses this organization's users and points them to SSO
    password_login_enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
