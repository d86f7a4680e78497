"""Model tokens each organization used per UTC day: the daily budget's counter.

Kept in the database, not in the rate-limit storage: it is charged in the same transaction that
stores the coach's reply, so it survives restarts and deploys and needs no Redis to be shared.
"""

from datetime import date

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class OrgTokenUsage(Base):
    __tablename__ = "org_token_usage"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                        primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    tokens: Mapped[int] = mapped_column(BigInteger, default=0)
