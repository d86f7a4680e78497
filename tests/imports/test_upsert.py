"""The shared import layer: records found by external id, created, updated or unchanged, never
duplicated; rows that cannot be stored are rejected with the reason the admin reads."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Account, KpiSnapshot, Opportunity, StageChange, Team, User
from service.imports import (
    Lookups,
    RowRejected,
    upsert_account,
    upsert_kpi_snapshot,
    upsert_opportunity,
    upsert_user,
)


def count(session, model, **where):
    return session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def org(orgs, session):
    return orgs["one"]


def account(ext="A-1", **extra):
    return {"external_id": ext, "name": "Acme", "owner_email": "REP_A1@one.test", **extra}


def deal(ext="D-1", **extra):
    return {"external_id": ext, "name": "Acme renewal", "account_external_id": "A-1",
            "owner_email": "rep_a1@one.test", "stage": "qualification", "amount": "12,500.50",
            "close_date": date(2027, 1, 31), **extra}


def test_account_created_updated_unchanged_and_never_duplicated(session, org):
    lookups = Lookups.load(session, org.id)
    assert upsert_account(session, org.id, account(segment="SMB"), lookups) == "created"
    session.commit()
    lookups = Lookups.load(session, org.id)
    assert upsert_account(session, org.id, account(segment="SMB"), lookups) == "unchanged"
    assert upsert_account(session, org.id, account(segment="Enterprise"), lookups) == "updated"
    session.commit()
    stored = session.scalars(select(Account).where(Account.external_id == "A-1")).all()
    assert [(a.name, a.segment, a.owner_id) for a in stored] == [
        ("Acme", "Enterprise", org.users["rep_a1"].id)]


def test_same_external_id_in_another_organization_is_another_account(session, orgs):
    for label in ("one", "two"):
        org = orgs[label]
        record = account(owner_email=f"rep_a1@{label}.test")
        assert upsert_account(session, org.id, record, Lookups.load(session, org.id)) == "created"
    session.commit()
    assert count(session, Account, external_id="A-1") == 2


@pytest.mark.parametrize("record, reason", [
    (account(owner_email="nobody@x.com"), "owner email nobody@x.com is no user of this organization"),
    (account(owner_email="rep_a1@two.test"), "owner email rep_a1@two.test is no user of this organization"),
    (account(name=" "), "name is missing"),
    ({"name": "Acme", "owner_email": "rep_a1@one.test"}, "external_id is missing"),
])
def test_account_rejected_with_reason(session, org, record, reason):
    with pytest.raises(RowRejected) as rejected:
        upsert_account(session, org.id, record, Lookups.load(session, org.id))
    assert rejected.value.reason == reason
    session.rollback()
    assert count(session, Account) == 0


def test_opportunity_created_then_reimported_unchanged(session, org):
    lookups = Lookups.load(session, org.id)
    upsert_account(session, org.id, account(), lookups)
    assert upsert_opportunity(session, org.id, deal(), lookups) == "created"
    session.commit()
    stored = session.scalar(select(Opportunity).where(Opportunity.external_id == "D-1"))
    assert (stored.amount, stored.stage.name, stored.probability, stored.close_date) == (
        Decimal("12500.50"), "Qualification", 20, date(2027, 1, 31))
    assert [c.to_stage.name for c in stored.history] == ["Qualification"]
    lookups = Lookups.load(session, org.id)
    assert upsert_opportunity(session, org.id, deal(), lookups) == "unchanged"
    session.commit()
    assert count(session, Opportunity) == 1
    assert count(session, StageChange) == 1
    assert upsert_opportunity(session, org.id, deal("D-2", probability="35"), lookups) == "created"
    session.commit()
    assert session.scalar(select(Opportunity.probability).where(Opportunity.external_id == "D-2")) == 35


def test_opportunity_moving_stage_is_updated_and_recorded(session, org):
    lookups = Lookups.load(session, org.id)
    upsert_account(session, org.id, account(), lookups)
    upsert_opportunity(session, org.id, deal(stage_entered_at="2026-10-01T12:00:00"), lookups)
    session.commit()
    moved_at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    lookups = Lookups.load(session, org.id)
    assert upsert_opportunity(session, org.id, deal(stage="Proposal", stage_entered_at=moved_at),
                              lookups) == "updated"
    session.commit()
    stored = session.scalar(select(Opportunity).where(Opportunity.external_id == "D-1"))
    session.refresh(stored)
    assert (stored.stage.name, stored.probability, stored.stage_entered_at) == ("Proposal", 60, moved_at)
    assert [(c.from_stage and c.from_stage.name, c.to_stage.name) for c in stored.history] == [
        (None, "Qualification"), ("Qualification", "Proposal")]


def test_stage_history_is_stored_once_across_reimports(session, org):
    history = [{"stage": "Prospecting", "changed_at": "2026-09-01T10:00:00Z"},
               {"stage": "Discovery", "changed_at": datetime(2026, 10, 5, 8, 0)},
               {"stage": "Qualification", "changed_at": "2026-09-20"}]
    for expected in ("created", "unchanged"):
        lookups = Lookups.load(session, org.id)
        upsert_account(session, org.id, account(), lookups)
        record = deal(stage="Discovery", stage_history=history)
        assert upsert_opportunity(session, org.id, record, lookups) == expected
        session.commit()
    stored = session.scalar(select(Opportunity).where(Opportunity.external_id == "D-1"))
    session.refresh(stored)
    assert [(c.from_stage and c.from_stage.name, c.to_stage.name, c.changed_at.date().isoformat())
            for c in stored.history] == [
        (None, "Prospecting", "2026-09-01"), ("Prospecting", "Qualification", "2026-09-20"),
        ("Qualification", "Discovery", "2026-10-05")]
    assert stored.stage_entered_at == datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    assert count(session, StageChange) == 3


def test_prefetched_batch_finds_the_stored_deals(session, org):
    lookups = Lookups.load(session, org.id)
    upsert_account(session, org.id, account(), lookups)
    upsert_opportunity(session, org.id, deal(), lookups)
    session.commit()
    lookups = Lookups.load(session, org.id)
    records = [deal(), deal(amount="99")]
    lookups.prefetch(session, "opportunities", records)
    assert [upsert_opportunity(session, org.id, r, lookups) for r in records] == ["unchanged", "updated"]
    session.commit()
    assert count(session, Opportunity) == 1


@pytest.mark.parametrize("extra, reason", [
    ({"stage": "Won-ish"}, "stage 'Won-ish' is not a stage of this organization's sales process"),
    ({"owner_email": "ghost@one.test"}, "owner email ghost@one.test is no user of this organization"),
    ({"account_external_id": "A-9"}, "account 'A-9' is not imported: import the accounts first"),
    ({"amount": "lots"}, "amount 'lots' is not an amount"),
    ({"amount": ""}, "amount is missing"),
    ({"close_date": "31.01.2027"}, "close_date '31.01.2027' is not a date (use YYYY-MM-DD)"),
    ({"probability": "150"}, "probability '150' is not a whole number from 0 to 100"),
    ({"status": "maybe"}, "status 'maybe' is not one of open, won, lost"),
])
def test_opportunity_rejected_with_reason(session, org, extra, reason):
    lookups = Lookups.load(session, org.id)
    upsert_account(session, org.id, account(), lookups)
    with pytest.raises(RowRejected) as rejected:
        upsert_opportunity(session, org.id, deal(**extra), lookups)
    assert rejected.value.reason.startswith(reason)


def test_kpi_snapshot_by_rep_and_period(session, org):
    record = {"rep_email": "rep_a1@one.test", "period_type": "month", "period_start": "2026-11-01",
              "deals_closed": "3", "closed_value": "45000", "quota": "50000.00"}
    assert upsert_kpi_snapshot(session, org.id, record, Lookups.load(session, org.id)) == "created"
    session.commit()
    lookups = Lookups.load(session, org.id)
    assert upsert_kpi_snapshot(session, org.id, record, lookups) == "unchanged"
    assert upsert_kpi_snapshot(session, org.id, {**record, "deals_closed": "4"}, lookups) == "updated"
    session.commit()
    stored = session.scalars(select(KpiSnapshot)).all()
    assert [(s.deals_closed, s.closed_value, s.quota) for s in stored] == [
        (4, Decimal("45000.00"), Decimal("50000.00"))]
    with pytest.raises(RowRejected, match="does not start a month"):
        upsert_kpi_snapshot(session, org.id, {**record, "period_start": "2026-11-02"}, lookups)


def test_user_created_with_team_then_updated_by_email(session, org):
    record = {"email": "New.Rep@one.test", "name": "New Rep", "team": "Team East", "external_id": "U-7"}
    lookups = Lookups.load(session, org.id)
    assert upsert_user(session, org.id, record, lookups) == "created"
    # a later row of the same run names the new user as owner
    assert upsert_account(session, org.id, account(owner_email="new.rep@one.test"), lookups) == "created"
    session.commit()
    lookups = Lookups.load(session, org.id)
    assert upsert_user(session, org.id, record, lookups) == "unchanged"
    assert upsert_user(session, org.id, {**record, "role": "manager"}, lookups) == "updated"
    session.commit()
    user = session.scalar(select(User).where(User.email == "new.rep@one.test"))
    assert (user.name, user.role, user.team.name, user.external_id) == (
        "New Rep", "manager", "Team East", "U-7")
    assert count(session, Team, name="Team East") == 1


def test_user_import_cannot_demote_the_last_admin(session, org):
    record = {"email": "admin@one.test", "role": "rep"}
    with pytest.raises(RowRejected, match="last active admin"):
        upsert_user(session, org.id, record, Lookups.load(session, org.id))
