"""The sales process: ordered stages with exit milestones and a days-in-stage benchmark."""

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

DEFAULT_STAGES = [
    ("Prospecting", 14, 10, ["Contact identified", "First meeting booked"]),
    ("Qualification", 21, 20, ["Budget confirmed", "Decision maker known", "Need confirmed"]),
    ("Discovery", 21, 40, ["Pain quantified", "Success criteria agreed"]),
    ("Proposal", 14, 60, ["Proposal presented", "Pricing reviewed with buyer"]),
    ("Negotiation", 14, 80, ["Terms agreed", "Legal review started"]),
    ("Closing", 10, 90, ["Contract sent", "Signature date agreed"]),
]


class SalesProcess(Base):
    __tablename__ = "sales_processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="Default sales process")

    stages: Mapped[list["Stage"]] = relationship(
        back_populates="process", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("process_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    benchmark_days: Mapped[int] = mapped_column(default=14)
    probability: Mapped[int] = mapped_column(default=0)
    milestones: Mapped[list] = mapped_column(JSON, default=list)

    process: Mapped[SalesProcess] = relationship(back_populates="stages")


def default_process(org_id: int) -> SalesProcess:
    """A sensible starting process for a new organization; editable through the API."""
    return SalesProcess(
        org_id=org_id,
        stages=[
            Stage(position=i, name=name, benchmark_days=days, probability=prob, milestones=ms)
            for i, (name, days, prob, ms) in enumerate(DEFAULT_STAGES)
        ],
    )
