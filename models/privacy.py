"""Privacy: each organization's retention and erasure settings, the record of every retention
run, erasure and export, and the read audit (who opened a rep's transcript, shown to the rep)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

# On erasure a user's KPI snapshots are kept on the anonymised tombstone or deleted.
ERASE_FIGURES = ("anonymise", "remove")
PRIVACY_EVENT_KINDS = ("retention", "erasure", "export")
READ_KINDS = ("transcript", "export", "api")


class PrivacySettings(Base):
    """One row per organization; no row means: keep everything, anonymise figures."""

    __tablename__ = "privacy_settings"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    # Transcripts (messages) of sessions started longer ago are deleted; None keeps them.
    transcript_days: Mapped[int | None]
    # With the transcripts, also clear the summaries, delete the commitments, and delete the KPI
    # snapshots of periods that began before the same cutoff.
    purge_summaries: Mapped[bool] = mapped_column(default=False)
    purge_commitments: Mapped[bool] = mapped_column(default=False)
    purge_figures: Mapped[bool] = mapped_column(default=False)
    erase_figures: Mapped[str] = mapped_column(String(10), default="anonymise")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PrivacyEvent(Base):
    """A retention run, an erasure or an export: who, when, about whom, how many rows. Never the
    erased person's data: ``subject_id`` is the id of the (tombstoned) user row only."""

    __tablename__ = "privacy_events"
    __table_args__ = (Index("ix_privacy_events_org_at", "org_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(10))
    # None: the worker (retention) or the CLI
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class TranscriptRead(Base):
    """Someone other than the rep opened a session's transcript (page, API) or exported it."""

    __tablename__ = "transcript_reads"
    __table_args__ = (
        Index("ix_transcript_reads_rep_at", "rep_id", "read_at"),
        Index("ix_transcript_reads_org_at", "org_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
