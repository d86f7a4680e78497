"""Accounts, opportunities and the stage history that days-in-stage is derived from."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .process import Stage

OPPORTUNITY_STATUSES = ("open", "won", "lost")


class Account(Base):
    __tablename__ = "accounts"
    # external_id: the CRM's id, the key a re-import updates by (NULLs never clash).
    __table_args__ = (UniqueConstraint("org_id", "external_id", name="uq_accounts_org_id_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str] = mapped_column(String(100), default="")
    territory: Mapped[str] = mapped_column(String(100), default="")
    external_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opportunities: Mapped[list["Opportunity"]] = relationship(back_populates="account")


class Opportunity(Base):
    __tablename__ = "opportunities"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id", name="uq_opportunities_org_id_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    close_date: Mapped[date | None]
    probability: Mapped[int] = mapped_column(default=0)
    next_step: Mapped[str] = mapped_column(Text, default="")
    competitors: Mapped[list] = mapped_column(JSON, default=list)
    milestones_met: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Denormalised from the newest StageChange so list filters need no subquery; always set
    # together with a StageChange row by move_to_stage().
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="opportunities")
    stage: Mapped[Stage] = relationship()
    history: Mapped[list["StageChange"]] = relationship(
        back_populates="opportunity", order_by="StageChange.changed_at",
        cascade="all, delete-orphan",
    )

    def move_to_stage(self, stage: Stage, by_user_id: int | None, at: datetime | None = None):
        """Change stage and record it in the history (the only way a stage changes)."""
        at = at or utcnow()
        self.history.append(StageChange(
            from_stage_id=self.stage_id, to_stage_id=stage.id, changed_at=at, changed_by_id=by_user_id
        ))
        self.stage = stage
        self.stage_id = stage.id
        self.stage_entered_at = at

    def days_in_stage(self, now: datetime | None = None) -> int:
        return ((now or utcnow()) - self.stage_entered_at).days

    def is_stalled(self, now: datetime | None = None) -> bool:
        return self.status == "open" and self.days_in_stage(now) > self.stage.benchmark_days


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    opportunity: Mapped[Opportunity] = relationship(back_populates="history")
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
