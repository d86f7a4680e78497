"""Organizations, teams, users and their API tokens."""

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Base, utcnow

ROLES = ("rep", "manager", "admin")
DEFAULT_SKILLS = [
    "prospecting", "discovery", "qualification", "presenting", "negotiating",
    "closing", "account planning", "territory planning", "call planning",
]

@cache  # the zone database is read from disk once
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows ('Europe/Madrid')."""
    return frozenset(available_timezones())


def zone_of(name: str | None) -> tzinfo:
    """The zone of an IANA name; UTC when it is empty or unknown (a zone removed from tzdata
    must not break a page)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


team_managers = Table(
    "team_managers",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "full": managers read transcripts; "summary": only the confirmed summary, commitments, figures.
    transcript_visibility: Mapped[str] = mapped_column(String(20), default="full")
    skills: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_SKILLS))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    widget_origins: Mapped[list] = mapped_column(JSON, default=list)
    # IANA name: every date and time the review pages and exports show is in this zone.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")

    teams: Mapped[list["Team"]] = relationship(back_populates="organization")
    users: Mapped[list["User"]] = relationship(back_populates="organization")


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Nudges: the team's weekly digest goes to this Slack or Teams incoming webhook (kind).
    chat_webhook_url: Mapped[str | None] = mapped_column(String(500))
    chat_webhook_kind: Mapped[str | None] = mapped_column(String(10))

    organization: Mapped[Organization] = relationship(back_populates="teams")
    members: Mapped[list["User"]] = relationship(back_populates="team")
    managers: Mapped[list["User"]] = relationship(
        secondary=team_managers, back_populates="led_teams"
    )


class User(Base):
    __tablename__ = "users"
    # An email is unique within its organization only, so one organization can neither discover
    # nor reserve another's addresses. Email first: the same index serves the login's lookup.
    __table_args__ = (UniqueConstraint("email", "org_id"),
                      UniqueConstraint("org_id", "external_id", name="uq_users_org_id_external_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # active_history: the old value is loaded before a change, so the hook below can compare.
    role: Mapped[str] = mapped_column(String(20), active_history=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(300), active_history=True)
    active: Mapped[bool] = mapped_column(default=True, active_history=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # IANA name ('Europe/Madrid'): the rep's 'today', so 'by Friday' is their Friday
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # a language code ('es'): the language their sessions start in; '' = not set, the coach
    # reads it from the rep's first message
    locale: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Nudges: False once the rep turned off their commitment reminder emails.
    nudge_emails: Mapped[bool] = mapped_column(default=True)
    # Written into each browser session at login; a session carrying an older number is over.
    session_version: Mapped[int] = mapped_column(default=0)
    # The user's id in the CRM or identity provider it was imported from (service/imports).
    external_id: Mapped[str | None] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(back_populates="users")
    team: Mapped[Team | None] = relationship(back_populates="members")
    led_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers"
    )
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    def today(self) -> date:
        """Today's date where the user is (UTC when the zone is unknown)."""
        return utcnow().astimezone(zone_of(self.time_zone)).date()

    @validates("email")
    def _normalize_email(self, _key, value: str) -> str:
        # Stored lower-case, so lookups and the unique constraint ignore case.
        return value.strip().lower() if value else value

    def end_sessions(self) -> None:
        """End every browser session of this user (they log in again)."""
        self.session_version = (self.session_version or 0) + 1


# A session was granted on the user's password, role and being active: a change to any of them
# ends it, whichever code path (API, CLI, script) made the change.
SESSION_GRANTS = ("password_hash", "role", "active")


@event.listens_for(User, "before_update")
def _end_sessions_on_grant_change(_mapper, _connection, user: User) -> None:
    state = inspect(user)
    for name in SESSION_GRANTS:
        history = state.attrs[name].history
        if history.added and history.deleted and history.added[0] != history.deleted[0]:
            user.end_sessions()
            return


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="tokens")
