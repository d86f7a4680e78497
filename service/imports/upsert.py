"""Writing one imported record: found by its external id (or natural key), created, updated or
left unchanged, never duplicated. CSV files and CRM connectors both come through here.

Each `upsert_*` adds to the caller's session and returns "created", "updated" or "unchanged";
a record that cannot be stored raises `RowRejected` with the reason. Nothing commits here: the
caller commits in batches.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    KPI_FIELDS,
    OPPORTUNITY_STATUSES,
    PERIOD_TYPES,
    ROLES,
    ZERO,
    Account,
    KpiSnapshot,
    Opportunity,
    StageChange,
    User,
    utcnow,
)

from .. import access
from ..domain_errors import Conflict
from . import values
from .lookups import Lookups, StageRef, org_id_of
from .values import RowRejected

__all__ = ["Lookups", "RowRejected", "upsert_account", "upsert_kpi_snapshot", "upsert_opportunity",
           "upsert_user"]
COUNT_FIELDS = ("pipeline_count", "proposals", "deals_closed")


def _assign(obj, fields: dict) -> str:
    changed = False
    for key, value in fields.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return "updated" if changed else "unchanged"


def upsert_account(db: Session, org, record: dict, lookups: Lookups) -> str:
    """An account by external_id: name, owner (by email), segment, territory."""
    external_id = values.text(record, "external_id", 200, required=True)
    fields = {"name": values.text(record, "name", 200, required=True),
              "owner_id": lookups.user_id(values.email(record, "owner_email"))}
    for key in ("segment", "territory"):
        if key in record:
            fields[key] = values.text(record, key, 100)
    account = lookups.account(db, external_id)
    if account is None:
        account = Account(org_id=org_id_of(org), external_id=external_id, **fields)
        db.add(account)
        lookups.accounts[external_id] = account
        return "created"
    return _assign(account, fields)


def _deal_fields(db: Session, record: dict, lookups: Lookups) -> dict:
    fields = {"name": values.text(record, "name", 200, required=True),
              "owner_id": lookups.user_id(values.email(record, "owner_email"))}
    account_key = values.text(record, "account_external_id", 200, required=True)
    account = lookups.account(db, account_key)
    if account is None:
        raise RowRejected(f"account {account_key!r} is not imported: import the accounts first")
    if account.id is None:  # made earlier in this batch
        db.flush()
    fields["account_id"] = account.id
    fields["amount"] = values.money(record, "amount", required=True)
    if "currency" in record:
        fields["currency"] = values.currency(record)
    if "close_date" in record:
        fields["close_date"] = values.day(record, "close_date")
    if not values.blank(record.get("probability")):
        fields["probability"] = values.whole(record, "probability", 0, 100)
    if "status" in record:
        fields["status"] = values.choice(record, "status", OPPORTUNITY_STATUSES, "open")
    return fields


def _history(record: dict, lookups: Lookups) -> list[tuple[int, object]]:
    entries = []
    for entry in record.get("stage_history") or ():
        at = values.moment(entry, "changed_at")
        if at is None:
            raise RowRejected("a stage_history entry has no changed_at")
        entries.append((lookups.stage(values.text(entry, "stage", 100, required=True)).id, at))
    return sorted(entries, key=lambda e: e[1])


def _merge_history(deal: Opportunity, entries, stage: StageRef, entered) -> bool:
    """Stage changes stored once each (same stage, same time); the deal ends in `stage`."""
    changed = False
    if entries:
        known = {(c.to_stage_id, c.changed_at) for c in deal.history}
        for stage_id, at in entries:
            if (stage_id, at) not in known:
                deal.history.append(StageChange(to_stage_id=stage_id, changed_at=at))
                known.add((stage_id, at))
                changed = True
        previous = None
        for change in sorted(deal.history, key=lambda c: c.changed_at):
            if change.from_stage_id != previous:
                change.from_stage_id = previous
            previous = change.to_stage_id
    latest = None
    if entries or deal.stage_id != stage.id:  # else the history is not read (a query per deal)
        latest = max(deal.history, key=lambda c: c.changed_at, default=None)
    if latest is not None and latest.to_stage_id == stage.id:
        entered = entered or latest.changed_at
    if deal.stage_id != stage.id:
        if latest is None or latest.to_stage_id != stage.id:
            entered = entered or utcnow()
            deal.history.append(StageChange(from_stage_id=deal.stage_id, to_stage_id=stage.id,
                                            changed_at=entered))
        deal.stage_id = stage.id
        deal.stage_entered_at = entered
        return True
    if entered is not None and deal.stage_entered_at != entered:
        deal.stage_entered_at = entered
        changed = True
    return changed


def upsert_opportunity(db: Session, org, record: dict, lookups: Lookups) -> str:
    """A deal by external_id, on an imported account, in one of the organization's stages, with
    its stage history (each change stored once)."""
    external_id = values.text(record, "external_id", 200, required=True)
    stage = lookups.stage(values.text(record, "stage", 100, required=True))
    fields = _deal_fields(db, record, lookups)
    entries = _history(record, lookups)
    entered = values.moment(record, "stage_entered_at")
    deal = lookups.opportunity(db, external_id)
    if deal is None:
        deal = Opportunity(org_id=org_id_of(org), external_id=external_id, stage_id=None,
                           **{"probability": stage.probability, **fields})
        db.add(deal)
        lookups.opportunities[external_id] = deal
        _merge_history(deal, entries, stage, entered)
        return "created"
    moved = deal.stage_id != stage.id
    outcome = _assign(deal, fields)
    if moved and "probability" not in fields:
        deal.probability = stage.probability
    return "updated" if _merge_history(deal, entries, stage, entered) else outcome


def upsert_kpi_snapshot(db: Session, org, record: dict, lookups: Lookups) -> str:
    """A rep's figures for a period, by (rep, period_type, period_start)."""
    rep_id = lookups.user_id(values.email(record, "rep_email"), "rep email")
    period_type = values.choice(record, "period_type", PERIOD_TYPES, "month")
    start = values.day(record, "period_start", required=True)
    if period_type == "month" and start.day != 1:
        raise RowRejected(f"period_start {start} does not start a month (the 1st)")
    if period_type == "week" and start.weekday() != 0:
        raise RowRejected(f"period_start {start} does not start a week (a Monday)")
    fields = {}
    for key in KPI_FIELDS:
        if key in record:
            value = (values.whole(record, key, 0, 10**6) if key in COUNT_FIELDS
                     else values.money(record, key))
            fields[key] = value if value is not None else (0 if key in COUNT_FIELDS else ZERO)
    if "currency" in record:
        fields["currency"] = values.currency(record)
    if not values.blank(record.get("external_id")):
        fields["external_id"] = values.text(record, "external_id", 200)
    snapshot = db.scalar(select(KpiSnapshot).where(
        KpiSnapshot.rep_id == rep_id, KpiSnapshot.period_type == period_type,
        KpiSnapshot.period_start == start))
    if snapshot is None:
        db.add(KpiSnapshot(org_id=org_id_of(org), rep_id=rep_id, period_type=period_type,
                           period_start=start, **fields))
        return "created"
    return _assign(snapshot, fields)


def upsert_user(db: Session, org, record: dict, lookups: Lookups) -> str:
    """A user by external_id or email: name, role, team (made when missing)."""
    email = values.email(record, "email")
    external_id = values.text(record, "external_id", 200) or None
    user = None
    if external_id:
        user = db.scalar(select(User).where(User.org_id == lookups.org_id,
                                            User.external_id == external_id))
    if user is None and email in lookups.users:
        user = db.get(User, lookups.users[email])
    if user is not None and lookups.users.get(email, user.id) != user.id:
        raise RowRejected(f"email {email} belongs to another user of this organization")
    fields = {"email": email}
    if external_id:
        fields["external_id"] = external_id
    if not values.blank(record.get("name")):
        fields["name"] = values.text(record, "name", 200)
    if not values.blank(record.get("role")):
        fields["role"] = values.choice(record, "role", ROLES, "rep")
    if "team" in record:
        team = values.text(record, "team", 200)
        fields["team_id"] = lookups.team_id(db, team) if team else None
    if user is None:
        fields.setdefault("name", email.split("@")[0])
        fields.setdefault("role", "rep")
        user = User(org_id=lookups.org_id, **fields)
        db.add(user)
        db.flush()  # its id: later rows name it as an owner
        lookups.users[email] = user.id
        return "created"
    if fields.get("role", user.role) != user.role:
        try:
            access.check_keeps_an_admin(db, user, fields["role"], user.active)
        except Conflict as refused:
            raise RowRejected(str(refused)) from None
    old_email = user.email
    outcome = _assign(user, fields)
    if old_email != email:
        lookups.users.pop(old_email, None)
        lookups.users[email] = user.id
    return outcome
