"""A sync run: pull a connection's accounts, then its deals, through the import layer's upserts,
committed per batch; rejected rows counted with their reasons; the run and the connection record
how it ended. A CRM error keeps every batch written before it (and the one being collected)."""

import json
import logging
from datetime import timedelta

from sqlalchemy import or_, select, update

from models import CrmConnection, CrmSyncRun, utcnow

from ..credentials import CredentialsUnreadable, box_for
from ..imports import Lookups, RowRejected, upsert_account, upsert_opportunity
from .hubspot import HubSpotConnector
from .retry import CredentialRevoked, CrmError
from .salesforce import SalesforceConnector

log = logging.getLogger(__name__)
MAX_REASONS = 100
SINGULAR = {"accounts": "account", "opportunities": "opportunity"}


def connector_for(connection: CrmConnection, config, sleep=None):
    """The provider's connector, opened with the connection's sealed credentials."""
    credentials = json.loads(box_for(config).open(connection.credentials))
    options = {"sleep": sleep, "retries": config.get("CRM_RETRIES", 5)}
    if connection.provider == "hubspot":
        return HubSpotConnector(credentials, host=config.get("CRM_HUBSPOT_HOST") or None, **options)
    return SalesforceConnector(credentials, instance_url=connection.instance_url, **options)


def claim(db, connection: CrmConnection, config) -> bool:
    """Mark the connection running, unless another run holds it (a run older than CRM_RUN_STALE
    minutes is taken to have died)."""
    stale = utcnow() - timedelta(minutes=config.get("CRM_RUN_STALE", 120))
    taken = db.execute(update(CrmConnection).where(
        CrmConnection.id == connection.id,
        or_(CrmConnection.last_status != "running", CrmConnection.last_synced_at < stale))
        .values(last_status="running", last_synced_at=utcnow())).rowcount
    db.commit()
    db.refresh(connection)
    return taken == 1


def sync_connection(db, connection: CrmConnection, config, *, sleep=None) -> CrmSyncRun | None:
    """One run of `connection`; None when another run holds it."""
    if not claim(db, connection, config):
        return None
    run = CrmSyncRun(connection_id=connection.id, status="running")
    db.add(run)
    db.commit()
    try:
        connector = connector_for(connection, config, sleep)
        lookups = Lookups.load(db, connection.org_id)
        batch = config.get("CRM_BATCH", 200)
        _pull(db, connection, run, "accounts", connector.accounts, upsert_account, lookups, batch)
        _pull(db, connection, run, "opportunities", connector.opportunities, upsert_opportunity,
              lookups, batch)
        status, error = "succeeded", ""
    except CredentialRevoked as revoked:
        status, error = "revoked", str(revoked)
    except (CrmError, CredentialsUnreadable) as failed:
        status, error = "failed", str(failed)
    except Exception as crashed:  # noqa: BLE001 - the run records it; the worker goes on
        log.exception("CRM sync of connection %s failed", connection.id)
        db.rollback()
        status, error = "failed", f"{type(crashed).__name__}: {crashed}"[:1000]
    run.status, run.error, run.finished_at = status, error, utcnow()
    connection.last_status, connection.last_error = status, error
    db.commit()
    return run


def _pull(db, connection, run, kind, fetch, upsert, lookups, size):
    pending = []
    try:
        for record in fetch():
            pending.append(record)
            if len(pending) >= size:
                _write(db, connection, run, kind, pending, upsert, lookups)
                pending = []
    except CrmError:
        _write(db, connection, run, kind, pending, upsert, lookups)
        raise
    _write(db, connection, run, kind, pending, upsert, lookups)


def _write(db, connection, run, kind, records, upsert, lookups):
    if not records:
        return
    records = [_mapped(record, connection.stage_map or {}) for record in records]
    lookups.prefetch(db, kind, records)
    reasons = list(run.rejections or [])
    for record in records:
        try:
            _check(record)
            outcome = upsert(db, connection.org_id, record, lookups)
        except RowRejected as rejected:
            run.rejected += 1
            if len(reasons) < MAX_REASONS:
                reasons.append(f"{SINGULAR[kind]} {record.get('external_id')} "
                               f"({record.get('name') or 'no name'}): {rejected.reason}")
            continue
        setattr(run, outcome, getattr(run, outcome) + 1)
    run.rejections = reasons
    db.commit()
    lookups.end_batch()


def _check(record: dict) -> None:
    """What the CRM left out, said in the CRM's terms (the import layer would say "is missing")."""
    if not record.get("owner_email"):
        raise RowRejected("has no owner in the CRM, or its owner has no email")
    if "account_external_id" in record and not record["account_external_id"]:
        raise RowRejected("is on no account (company) in the CRM")


def _mapped(record: dict, stage_map: dict) -> dict:
    """The CRM's stage names put into the organization's, by the connection's stage map."""
    if "stage" not in record or not stage_map:
        return record
    def ours(name):
        return stage_map.get((name or "").strip().lower(), name)
    history, last = [], None
    for change in record.get("stage_history") or ():
        if (stage := ours(change["stage"])) != last:  # two CRM stages mapped to one: one change
            history.append({**change, "stage": stage})
            last = stage
    return {**record, "stage": ours(record["stage"]), "stage_history": history}


def due_connections(db, now=None) -> list[CrmConnection]:
    """Enabled connections whose interval has passed since their last run (a revoked one waits
    for its admin to reconnect)."""
    now = now or utcnow()
    found = db.scalars(select(CrmConnection).where(
        CrmConnection.enabled.is_(True), CrmConnection.last_status != "revoked"))
    return [c for c in found
            if c.last_synced_at is None or now - c.last_synced_at >= timedelta(minutes=c.interval_minutes)]


def run_due(db, config, now=None) -> list[CrmSyncRun]:
    """One round of the schedule: every due connection synced once."""
    return [run for c in due_connections(db, now) if (run := sync_connection(db, c, config))]
