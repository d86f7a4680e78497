"""Admins' side of nudges: each team's Slack or Teams webhook, and every nudge sent or queued."""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import NudgeDelivery, Team, User

from ..domain_errors import Invalid, NotFound
from ..pagination import paginate
from ..review.settings import require_admin
from ..webhook_target import internal_url, shown_error

# Incoming-webhook hosts whose kind is known without being told; any other host needs `kind`.
KNOWN_HOSTS = {"hooks.slack.com": "slack", "webhook.office.com": "teams",
               "logic.azure.com": "teams", "powerplatform.com": "teams"}


def team_chat(team: Team) -> dict:
    return {"team_id": team.id, "team": team.name, "url": team.chat_webhook_url,
            "kind": team.chat_webhook_kind}


def team_chats(session: Session, user: User) -> list[dict]:
    require_admin(user)
    teams = session.scalars(select(Team).where(Team.org_id == user.org_id).order_by(Team.name, Team.id))
    return [team_chat(t) for t in teams]


def _kind_of(host: str) -> str | None:
    return next((kind for known, kind in KNOWN_HOSTS.items()
                 if host == known or host.endswith("." + known)), None)


def set_team_chat(session: Session, user: User, team_id: int, data: dict) -> dict:
    """Set (or clear, with url null) a team's chat webhook: https, public, Slack or Teams."""
    require_admin(user)
    team = session.get(Team, team_id)
    if team is None or team.org_id != user.org_id:
        raise NotFound(f"No team {team_id} here.")
    url = data.get("url") or None
    kind = data.get("kind")
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise Invalid({"url": ["A chat webhook must be an https:// URL."]})
        if internal_url(url) and not current_app.config["WEBHOOK_ALLOW_INTERNAL"]:
            raise Invalid({"url": ["Loopback, private, link-local, CGNAT, multicast and reserved "
                                   "addresses are refused; a name is checked at every delivery."]})
        kind = kind or _kind_of((parts.hostname or "").lower())
        if kind is None:
            raise Invalid({"kind": ["Say whether this is a slack or a teams webhook."]})
    team.chat_webhook_url, team.chat_webhook_kind = url, kind if url else None
    session.commit()
    return team_chat(team)


def nudge_deliveries(session: Session, user: User, args: dict) -> dict:
    require_admin(user)
    stmt = select(NudgeDelivery).where(NudgeDelivery.org_id == user.org_id)
    for key in ("status", "kind"):
        if args.get(key):
            stmt = stmt.where(getattr(NudgeDelivery, key) == args[key])
    return paginate(session, stmt.order_by(NudgeDelivery.id.desc()), args)


def dump_nudge(d: NudgeDelivery) -> dict:
    shown = {k: getattr(d, k) for k in ("id", "key", "kind", "channel", "recipient", "subject",
                                        "status", "attempts", "next_attempt_at", "created_at",
                                        "delivered_at")}
    return {**shown, "last_error": shown_error(d.last_error)}
