"""Nudges: reminders and digests sent by email or to a team's chat webhook, one row per message."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Delivered

NUDGE_KINDS = ("rep_due", "manager_digest", "team_digest")
NUDGE_CHANNELS = ("email", "slack", "teams")
NUDGE_STATUSES = ("pending", "sending", "delivered", "failed", "skipped")


class NudgeDelivery(Delivered, Base):
    """One nudge to one receiver, retried with backoff like a webhook delivery.

    `key` ("kind:receiver:date") is unique: enqueueing the same nudge twice adds nothing, so a
    cron run repeated or overlapping never sends it twice. The content is rendered when queued,
    so a retry sends what the first attempt would have."""

    __tablename__ = "nudge_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    recipient: Mapped[str] = mapped_column(String(500))  # an email address or a webhook URL
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # the email's text, or the chat JSON
