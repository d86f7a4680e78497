"""CSV import jobs and the rows they rejected, with the reason and the row as it was read."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

IMPORT_KINDS = ("accounts", "opportunities", "kpi_snapshots", "users")
IMPORT_STATUSES = ("queued", "running", "done", "failed")


class ImportJob(Base):
    """One uploaded file imported into an organization: its column mapping, stage mapping and
    counts, updated per committed batch so a page can show the progress."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(300), default="")
    # where the upload waits on disk until the job has run (deleted then)
    path: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[int] = mapped_column(default=0)  # data rows in the file (known once counted)
    processed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)  # CSV header -> field
    stage_map: Mapped[dict] = mapped_column(JSON, default=dict)  # CRM stage -> our stage name
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    rejections: Mapped[list["ImportRejection"]] = relationship(
        back_populates="job", order_by="ImportRejection.row_number", cascade="all, delete-orphan",
        passive_deletes=True)


class ImportRejection(Base):
    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int]  # the file's line of the row: the header is line 1
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)  # the row as read, header -> cell

    job: Mapped[ImportJob] = relationship(back_populates="rejections")
