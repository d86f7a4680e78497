"""Sessions a manager asks a rep to hold: mode, deal or account, due date and a note."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

# open: asked; started: the rep started its session; done: that session was confirmed.
ASSIGNMENT_STATUSES = ("open", "started", "done")


class SessionAssignment(Base):
    __tablename__ = "session_assignments"
    __table_args__ = (Index("ix_session_assignments_rep_status_due", "rep_id", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(String(50))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    due_date: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The session started from it; a discarded session sets it back to open (no link left).
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    rep: Mapped["User"] = relationship(foreign_keys=[rep_id])  # noqa: F821 - models.org.User
    assigned_by: Mapped["User"] = relationship(foreign_keys=[assigned_by_id])  # noqa: F821
    opportunity: Mapped["Opportunity | None"] = relationship()  # noqa: F821 - models.pipeline
    account: Mapped["Account | None"] = relationship()  # noqa: F821 - models.pipeline
