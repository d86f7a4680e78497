"""CRM connections (HubSpot, Salesforce) per organization and the record of each sync run."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

CRM_PROVIDERS = ("hubspot", "salesforce")
CRM_RUN_STATUSES = ("running", "succeeded", "failed", "revoked")


class CrmConnection(Base):
    """One CRM an organization pulls from. `credentials` is sealed (service/credentials.py):
    a JSON object of the provider's secrets, never shown back."""

    __tablename__ = "crm_connections"
    __table_args__ = (UniqueConstraint("org_id", "provider"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    credentials: Mapped[str] = mapped_column(Text, default="")
    instance_url: Mapped[str] = mapped_column(String(300), default="")  # Salesforce
    enabled: Mapped[bool] = mapped_column(default=True)
    interval_minutes: Mapped[int] = mapped_column(default=60)
    # lower(CRM stage name) -> the organization's stage name ("closed won" -> "Closing")
    stage_map: Mapped[dict] = mapped_column(JSON, default=dict)
    last_synced_at: Mapped[datetime | None]
    last_status: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    runs: Mapped[list["CrmSyncRun"]] = relationship(
        back_populates="connection", order_by="CrmSyncRun.id.desc()", cascade="all, delete-orphan")


class CrmSyncRun(Base):
    """One pull: its counts, the rejected rows' reasons (the first ones) and the error that
    stopped it, if any."""

    __tablename__ = "crm_sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("crm_connections.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    rejections: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")

    connection: Mapped[CrmConnection] = relationship(back_populates="runs")
