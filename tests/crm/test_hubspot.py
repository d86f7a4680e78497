"""HubSpot through hubspot-api-client against recorded answers on a loopback server: every page,
owners matched by email, stage history, a re-sync that updates, a rate limit, a revoked token."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Account, Opportunity
from service.crm import sync as crm_sync
from service.crm.sync import due_connections, sync_connection

from .conftest import Sleeps, connect
from .hubspot_server import recorded

OWNERS, COMPANIES, PIPELINES, DEALS = ("/crm/v3/owners/", "/crm/v3/objects/companies",
                                       "/crm/v3/pipelines/deals", "/crm/v3/objects/deals")


@pytest.fixture
def connection(app, session, org):
    return connect(app, session, org, "hubspot", {"access_token": "pat-na1-secret"},
                   stage_map={"closed won": "Closing"})


def serve_all(hubspot, deals_2=None):
    hubspot.serve(OWNERS, recorded("hubspot_owners.json"))
    hubspot.serve(COMPANIES, recorded("hubspot_companies_1.json"))
    hubspot.serve(COMPANIES, recorded("hubspot_companies_2.json"), after="5003")
    hubspot.serve(PIPELINES, recorded("hubspot_pipelines.json"))
    hubspot.serve(DEALS, recorded("hubspot_deals_1.json"))
    hubspot.serve(DEALS, deals_2 or recorded("hubspot_deals_2.json"), after="7002")


def deal(session, external_id):
    return session.scalar(select(Opportunity).where(Opportunity.external_id == external_id))


def test_every_page_owners_by_email_and_stage_history(app, session, org, hubspot, connection):
    serve_all(hubspot)
    run = sync_connection(session, connection, app.config)

    assert (run.status, run.created, run.updated, run.rejected) == ("succeeded", 4, 0, 2)
    assert any("stranger@elsewhere.test is no user" in r and "Initech" in r for r in run.rejections)
    asked = [(r["path"], r["query"].get("after")) for r in hubspot.requests]
    assert (COMPANIES, "5003") in asked and (DEALS, "7002") in asked
    assert {r["authorization"] for r in hubspot.requests} == {"Bearer pat-na1-secret"}
    deals_asked = [r["query"] for r in hubspot.requests if r["path"] == DEALS]
    assert deals_asked[0]["propertiesWithHistory"] == "dealstage"

    acme = session.scalar(select(Account).where(Account.external_id == "hubspot:5001"))
    assert (acme.name, acme.owner_id, acme.territory) == ("Acme Corp", org.users["rep_a1"].id, "Ohio")
    renewal = deal(session, "hubspot:7001")
    assert (renewal.stage.name, renewal.amount, renewal.close_date) == (
        "Discovery", Decimal("12500.50"), date(2027, 1, 31))
    assert [(c.to_stage.name, c.changed_at) for c in renewal.history] == [
        ("Qualification", datetime(2025, 12, 1, 9, 30, tzinfo=UTC)),
        ("Discovery", datetime(2026, 1, 5, 10, tzinfo=UTC))]
    assert renewal.stage_entered_at == datetime(2026, 1, 5, 10, tzinfo=UTC)
    pilot = deal(session, "hubspot:7002")
    assert (pilot.status, pilot.stage.name, pilot.currency, pilot.owner_id) == (
        "won", "Closing", "EUR", org.users["rep_a2"].id)
    assert (connection.last_status, connection.last_error) == ("succeeded", "")


def test_a_resync_updates_and_never_duplicates(app, session, org, hubspot, connection):
    serve_all(hubspot)
    sync_connection(session, connection, app.config)
    moved = recorded("hubspot_deals_2.json")
    moved["results"][0]["properties"]["amount"] = "9500"
    serve_all(hubspot, deals_2=moved)
    run = sync_connection(session, connection, app.config)

    assert (run.status, run.created, run.updated, run.unchanged, run.rejected) == (
        "succeeded", 0, 1, 3, 2)
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 2
    assert session.scalar(select(func.count()).select_from(Account)) == 2
    pilot = deal(session, "hubspot:7002")
    session.refresh(pilot)
    assert pilot.amount == Decimal("9500.00") and len(pilot.history) == 2


def test_a_rate_limit_waits_retry_after_then_goes_on(app, session, hubspot, connection):
    hubspot.serve(OWNERS, recorded("hubspot_429.json"), status=429, headers={"Retry-After": "2"})
    serve_all(hubspot)
    sleeps = Sleeps()
    run = sync_connection(session, connection, app.config, sleep=sleeps)

    assert (run.status, run.created) == ("succeeded", 4)
    assert sleeps == [2.0]


def test_a_rate_limit_that_lasts_fails_the_run_after_the_retries(app, session, hubspot, connection):
    app.config["CRM_RETRIES"] = 3
    for _ in range(3):
        hubspot.serve(OWNERS, recorded("hubspot_429.json"), status=429)
    sleeps = Sleeps()
    run = sync_connection(session, connection, app.config, sleep=sleeps)

    assert (run.status, run.error) == ("failed", "rate limited: gave up after 3 tries")
    assert sleeps == [1.0, 2.0]  # no Retry-After: 1 s, then 2 s


def test_a_revoked_token_stops_the_run_keeps_what_was_written(app, session, hubspot, connection):
    app.config["CRM_BATCH"] = 1
    hubspot.serve(OWNERS, recorded("hubspot_owners.json"))
    hubspot.serve(COMPANIES, recorded("hubspot_companies_1.json"))
    hubspot.serve(COMPANIES, recorded("hubspot_401.json"), status=401, after="5003")
    run = sync_connection(session, connection, app.config)

    assert run.status == "revoked" and run.error.startswith("credential revoked: reconnect")
    assert (connection.last_status, run.created) == ("revoked", 2)
    assert session.scalar(select(func.count()).select_from(Account)) == 2
    assert connection not in due_connections(session)


def test_a_crash_mid_run_is_recorded_not_raised(app, session, hubspot, connection, monkeypatch):
    serve_all(hubspot)
    monkeypatch.setattr(crm_sync, "upsert_opportunity", lambda *a: 1 / 0)
    run = sync_connection(session, connection, app.config)
    assert (run.status, run.error) == ("failed", "ZeroDivisionError: division by zero")
    assert run.created == 2  # the accounts' batch was committed before


def test_a_connection_being_synced_is_not_synced_twice(app, session, hubspot, connection):
    connection.last_status, connection.last_synced_at = "running", datetime.now(UTC)
    session.commit()
    assert sync_connection(session, connection, app.config) is None
    assert hubspot.requests == []
    connection.last_synced_at = datetime.now(UTC) - timedelta(hours=3)  # that run died
    session.commit()
    serve_all(hubspot)
    assert sync_connection(session, connection, app.config).status == "succeeded"


def test_a_deal_without_owner_or_company_is_rejected_in_the_crm_s_terms(app, session, hubspot, connection):
    orphan = recorded("hubspot_deals_2.json")
    orphan["results"][0]["properties"]["hubspot_owner_id"] = None
    orphan["results"][1]["associations"] = {}
    serve_all(hubspot, deals_2=orphan)
    run = sync_connection(session, connection, app.config)
    assert run.rejections[-2:] == [
        "opportunity hubspot:7002 (Globex pilot): has no owner in the CRM, or its owner has no email",
        "opportunity hubspot:7003 (Initech upsell): is on no account (company) in the CRM"]
