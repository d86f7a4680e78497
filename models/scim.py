"""SCIM 2.0 provisioning: the organization's bearer tokens and what an identity provider says
about our users and teams (its externalId, the userName it knows them by, the name parts)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

SCIM_KINDS = ("User", "Group")


class ScimToken(Base):
    """An organization's SCIM bearer token. Only its SHA-256 is stored; it is shown once."""

    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ScimLink(Base):
    """A user (kind "User") or team ("Group") as the identity provider knows it. The SCIM id is
    our own id; userName is unique per organization, as is the provider's externalId."""

    __tablename__ = "scim_links"
    __table_args__ = (UniqueConstraint("org_id", "kind", "local_id", name="uq_scim_links_local"),
                      UniqueConstraint("org_id", "kind", "user_name", name="uq_scim_links_user_name"),
                      UniqueConstraint("org_id", "kind", "external_id", name="uq_scim_links_external"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    local_id: Mapped[int]
    external_id: Mapped[str | None] = mapped_column(String(200))
    user_name: Mapped[str | None] = mapped_column(String(320))
    # what we keep only for the provider: name parts, email type ({"name": {...}, "email_type": ...})
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set by a SCIM DELETE: the user stays, deactivated, but the provider no longer sees it
    # (404) until it provisions the same email again, which brings the user back
    deleted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
