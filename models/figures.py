"""A rep's figures: KPI snapshots per period and skill self-assessments."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import ZERO, Base, utcnow

PERIOD_TYPES = ("week", "month")
KPI_FIELDS = ("pipeline_count", "proposals", "deals_closed", "pipeline_value", "closed_value", "quota")


def month_start(today: date, months_back: int = 0) -> date:
    """The 1st of the month `months_back` months before today's: a monthly period's start."""
    index = today.year * 12 + today.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


class KpiSnapshot(Base):
    __tablename__ = "kpi_snapshots"
    __table_args__ = (UniqueConstraint("rep_id", "period_type", "period_start"),
                      UniqueConstraint("org_id", "external_id", name="uq_kpi_snapshots_org_id_external_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    period_type: Mapped[str] = mapped_column(String(10), default="month")
    period_start: Mapped[date]
    pipeline_count: Mapped[int] = mapped_column(default=0)
    proposals: Mapped[int] = mapped_column(default=0)
    deals_closed: Mapped[int] = mapped_column(default=0)
    pipeline_value: Mapped[Decimal] = mapped_column(default=ZERO)
    closed_value: Mapped[Decimal] = mapped_column(default=ZERO)
    quota: Mapped[Decimal] = mapped_column(default=ZERO)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    external_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SkillAssessment(Base):
    """One self-audit: the rep rates themselves 1-5 per skill. History is kept, never overwritten."""

    __tablename__ = "skill_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    ratings: Mapped[list["SkillRating"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="SkillRating.id"
    )


class SkillRating(Base):
    __tablename__ = "skill_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("skill_assessments.id", ondelete="CASCADE"), index=True
    )
    skill: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[SkillAssessment] = relationship(back_populates="ratings")
