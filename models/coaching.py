"""Coaching sessions, their messages, the commitments they produce and managers' notes."""

from datetime import date, datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Delivered, utcnow

# active: chatting; ended: summary drafted, waiting for the rep; confirmed: shared with the manager.
SESSION_STATUSES = ("active", "ended", "confirmed")
COMMITMENT_KINDS = ("keep", "drop", "create", "action")
# The kinds as people read them: the widget (served into /widget.js), the terminal and the review
# pages all word a kind from here.
COMMITMENT_KIND_WORDS = {"action": "Action", "keep": "Keep doing", "create": "Start doing",
                         "drop": "Stop doing"}
COMMITMENT_STATUSES = ("open", "done", "dropped")
# The rep's answer when a session followed a due commitment up: partly and not_yet leave it open.
FOLLOW_UP_ANSWERS = ("done", "partly", "not_yet", "dropped")


class CoachingSession(Base):
    __tablename__ = "coaching_sessions"
    __table_args__ = (
        Index("ix_coaching_sessions_rep_started", "rep_id", "started_at"),
        # Review lists: a team's confirmed sessions, newest first.
        Index("ix_coaching_sessions_org_status_confirmed", "org_id", "status", "confirmed_at"),
        Index("ix_coaching_sessions_rep_status_confirmed", "rep_id", "status", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(String(50), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    engine: Mapped[str] = mapped_column(String(50), default="guided")
    stage: Mapped[str] = mapped_column(String(50), default="")
    # The coaching flow's own state (stage progress, running summary, follow-ups): JSON the
    # engine owns, so a restarted process continues from what was stored.
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    help_asked: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # One turn at a time (service/coaching.py): a turn claims the session with a conditional
    # UPDATE on version (WHERE version = what it read) and holds it until turn_claimed_until,
    # or until its reply is stored or it fails, so concurrent sends cannot overwrite the state.
    version: Mapped[int] = mapped_column(default=1)
    turn_claimed_until: Mapped[datetime | None]

    messages: Mapped[list["Message"]] = relationship(
        back_populates="session", order_by="Message.id", cascade="all, delete-orphan"
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="session", order_by="Commitment.id",
        foreign_keys="Commitment.session_id",
    )
    notes: Mapped[list["ManagerNote"]] = relationship(
        back_populates="session", order_by="ManagerNote.id", cascade="all, delete-orphan"
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("session_id", "client_message_id"),
        # Transcript search (ILIKE '%term%') on PostgreSQL: a trigram GIN index instead of a pass
        # over every message. PostgreSQL only; SQLite gets no index on the text.
        Index("ix_messages_text_trgm", "text", postgresql_using="gin",
              postgresql_ops={"text": "gin_trgm_ops"}, info={"dialect": "postgresql"},
              ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))  # "rep" or "coach"
    text: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_message_id: Mapped[str | None] = mapped_column(String(100))
    # A coach message answers one rep message; a retry finds the stored reply through it.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), unique=True)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    guard_outcome: Mapped[str] = mapped_column(String(20), default="")
    # Coach messages: what the turn did (service/coach INTENTS: ask, probe, follow_up, care,
    # steer, wrap...); figures count a question only where the turn was to ask one.
    intent: Mapped[str] = mapped_column(String(20), default="")
    guard_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Coach messages: the quick replies offered with the question, {"kind": follow_up|rating|
    # offer, "about": commitment id | skill | null, "options": [{"value", "label"}]}.
    choices: Mapped[dict | None] = mapped_column(JSON)
    # Rep messages: the value of the quick reply the rep picked (a record, not a reading).
    choice: Mapped[str | None] = mapped_column(String(20))

    session: Mapped[CoachingSession] = relationship(back_populates="messages")


# The trigram operator class above needs pg_trgm; create_all (tests, benchmarks) creates it first.
event.listen(Base.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


def include_for(dialect: str):
    """An alembic include_object hook: skip the objects marked for another dialect (info above),
    so autogenerate and compare_metadata agree with create_all on every database."""
    def include(obj, name, type_, reflected, compare_to):
        wanted = getattr(obj, "info", {}).get("dialect") if obj is not None else None
        return wanted is None or wanted == dialect
    return include


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_rep_status_due", "rep_id", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None]
    measure: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="action")
    status: Mapped[str] = mapped_column(String(10), default="open")
    # False while the rep has not confirmed the session's draft; only confirmed ones count.
    confirmed: Mapped[bool] = mapped_column(default=False)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    # The rep's recorded follow-up answer (FOLLOW_UP_ANSWERS), "" while none is recorded.
    follow_up: Mapped[str] = mapped_column(String(10), default="")
    followed_up_session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    session: Mapped[CoachingSession] = relationship(
        back_populates="commitments", foreign_keys=[session_id]
    )
    status_changes: Mapped[list["CommitmentStatusChange"]] = relationship(
        back_populates="commitment", order_by="CommitmentStatusChange.id",
        cascade="all, delete-orphan",
    )

    @property
    def last_change(self) -> "CommitmentStatusChange | None":
        return self.status_changes[-1] if self.status_changes else None


class CommitmentStatusChange(Base):
    """Who set a confirmed commitment's status, when and why: the rep's own Mark done / Undo,
    or their manager after a one-to-one (with a note the rep reads in the widget)."""

    __tablename__ = "commitment_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="status_changes")
    changed_by: Mapped["User"] = relationship()  # noqa: F821 - models.org.User, resolved by name


class ManagerNote(Base):
    __tablename__ = "manager_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[CoachingSession] = relationship(back_populates="notes")
    author: Mapped["User"] = relationship()  # noqa: F821 - models.org.User, resolved by name


class WebhookDelivery(Delivered, Base):
    """One confirmed session's POST to the organization's webhook, retried with backoff."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id"))
    url: Mapped[str] = mapped_column(String(500))
