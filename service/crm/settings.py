"""Admins' CRM connections: connect (secrets sealed, never read back out), enable, schedule,
stage map, and the connection's last runs; plain SQLAlchemy, no Flask."""

import json

from sqlalchemy import select

from models import CrmConnection, CrmSyncRun

from ..access import get_crm_connection
from ..credentials import box_for
from ..domain_errors import Forbidden, Invalid

SECRETS = {"hubspot": ("access_token",),
           "salesforce": ("username", "password", "security_token", "domain", "session_id")}


def connections_of(db, user) -> list[dict]:
    if user.role != "admin":
        raise Forbidden("Only an admin of the organization can manage its CRM connections.")
    found = db.scalars(select(CrmConnection).where(CrmConnection.org_id == user.org_id)
                       .order_by(CrmConnection.provider))
    return [dump(c, db.scalars(select(CrmSyncRun).where(CrmSyncRun.connection_id == c.id)
                               .order_by(CrmSyncRun.id.desc()).limit(10)).all()) for c in found]


def dump(connection: CrmConnection, runs) -> dict:
    return {"id": connection.id, "provider": connection.provider, "enabled": connection.enabled,
            "instance_url": connection.instance_url, "interval_minutes": connection.interval_minutes,
            "stage_map": "\n".join(f"{k} = {v}" for k, v in (connection.stage_map or {}).items()),
            "last_synced_at": connection.last_synced_at, "last_status": connection.last_status,
            "last_error": connection.last_error, "credentials_set": bool(connection.credentials),
            "runs": runs}


def connect(db, user, data: dict, config) -> CrmConnection:
    """Store (or replace) the organization's credentials for a provider; a reconnect clears a
    revoked mark so the schedule takes the connection again."""
    if user.role != "admin":
        raise Forbidden("Only an admin of the organization can connect a CRM.")
    provider = data["provider"]
    secrets = {k: data[k].strip() for k in SECRETS[provider] if (data.get(k) or "").strip()}
    if provider == "hubspot" and "access_token" not in secrets:
        raise Invalid({"access_token": ["a HubSpot private app access token is needed"]})
    if provider == "salesforce":
        by_session = "session_id" in secrets and data.get("instance_url")
        if not by_session and not {"username", "password"} <= secrets.keys():
            raise Invalid({"username": ["Salesforce needs a username, password and security token, "
                                        "or an instance URL and a session id"]})
    connection = db.scalar(select(CrmConnection).where(
        CrmConnection.org_id == user.org_id, CrmConnection.provider == provider))
    if connection is None:
        connection = CrmConnection(org_id=user.org_id, provider=provider,
                                   interval_minutes=config.get("CRM_INTERVAL", 60))
        db.add(connection)
    connection.credentials = box_for(config).seal(json.dumps(secrets))
    connection.instance_url = (data.get("instance_url") or "").strip()
    connection.last_status, connection.last_error = "", ""
    db.commit()
    return connection


def update(db, user, connection_id: int, data: dict) -> CrmConnection:
    """Enable or disable, the schedule's interval and the stage map ("crm stage = our stage")."""
    connection = get_crm_connection(db, user, connection_id)
    connection.enabled = data["enabled"]
    connection.interval_minutes = data["interval_minutes"]
    connection.stage_map = parse_stage_map(data.get("stage_map") or "")
    db.commit()
    return connection


def parse_stage_map(text: str) -> dict:
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        theirs, equals, ours = line.partition("=")
        if not equals or not theirs.strip() or not ours.strip():
            raise Invalid({"stage_map": [f"line {number} ({line.strip()}) is not 'CRM stage = our stage'"]})
        found[theirs.strip().lower()] = ours.strip()
    return found


def disconnect(db, user, connection_id: int) -> None:
    db.delete(get_crm_connection(db, user, connection_id))
    db.commit()
