"""Organization review settings (admins): time zone, transcript visibility, webhook URL and
secret; deliveries."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Organization, User, WebhookDelivery

from ..errors import ApiError
from ..pagination import paginate
from ..webhook_target import internal_url, shown_error


def require_admin(user: User) -> None:
    if user.role != "admin":
        raise ApiError(403, "Only an admin of the organization can do this.")


def settings_of(org: Organization) -> dict:
    return {"time_zone": org.time_zone, "transcript_visibility": org.transcript_visibility,
            "webhook_url": org.webhook_url, "webhook_secret_set": bool(org.webhook_secret)}


def update_settings(session: Session, user: User, data: dict) -> dict:
    require_admin(user)
    org = user.organization
    for key in ("time_zone", "transcript_visibility"):
        if key in data:
            setattr(org, key, data[key])
    if "webhook_secret" in data:
        org.webhook_secret = data["webhook_secret"] or None
    if "webhook_url" in data:
        url = data["webhook_url"] or None
        if url and internal_url(url) and not current_app.config["WEBHOOK_ALLOW_INTERNAL"]:
            session.rollback()
            raise ApiError(422, "The webhook must point to a public address.", fields={"webhook_url": [
                "Loopback, private, link-local, CGNAT, multicast and reserved addresses are refused, "
                "in any notation; a name is checked each time a delivery is sent."]})
        org.webhook_url = url
    if org.webhook_url and not org.webhook_secret:
        session.rollback()
        raise ApiError(422, "A webhook needs a secret to sign its requests.",
                       fields={"webhook_secret": ["Set a secret of at least 16 characters."]})
    session.commit()
    return settings_of(org)


def deliveries(session: Session, user: User, args: dict) -> dict:
    require_admin(user)
    stmt = select(WebhookDelivery).where(WebhookDelivery.org_id == user.org_id)
    if args.get("status"):
        stmt = stmt.where(WebhookDelivery.status == args["status"])
    return paginate(session, stmt.order_by(WebhookDelivery.id.desc()), args)


def dump_delivery(d: WebhookDelivery) -> dict:
    shown = {k: getattr(d, k) for k in ("id", "session_id", "url", "status", "attempts",
                                        "next_attempt_at", "created_at", "delivered_at")}
    return {**shown, "last_error": shown_error(d.last_error)}
