"""Salesforce through simple-salesforce (requests) against recorded answers (`responses`):
nextRecordsUrl pages, Owner.Email matching, OpportunityHistories, re-sync, REQUEST_LIMIT_EXCEEDED,
an expired session."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import responses
from responses import matchers
from sqlalchemy import func, select

from models import Account, Opportunity
from service.crm.salesforce import ACCOUNTS, OPPORTUNITIES
from service.crm.sync import sync_connection

from .conftest import Sleeps, connect
from .hubspot_server import RECORDED, recorded

BASE = "https://acme.my.salesforce.com/services/data/v59.0"


@pytest.fixture
def connection(app, session, org):
    return connect(app, session, org, "salesforce", {"session_id": "00DRM000000secret!AQ"},
                   instance_url="https://acme.my.salesforce.com",
                   stage_map={"closed lost": "Closing"})


@pytest.fixture
def sf():
    with responses.RequestsMock() as mock:
        yield mock


def query(sf, soql, name, **kw):
    sf.get(f"{BASE}/query/", json=recorded(name), match=[matchers.query_param_matcher({"q": soql})], **kw)


def serve_all(sf, accounts_2="salesforce_accounts_2.json"):
    query(sf, ACCOUNTS, "salesforce_accounts_1.json")
    sf.get(f"{BASE}/query/01gRM000001Vb9kYAC-2000", json=recorded(accounts_2))
    query(sf, OPPORTUNITIES, "salesforce_opportunities_1.json")
    sf.get(f"{BASE}/query/01gRM000001Vb9lYAC-2000", json=recorded("salesforce_opportunities_2.json"))


def test_every_page_owners_by_email_and_stage_history(app, session, org, sf, connection):
    serve_all(sf)
    run = sync_connection(session, connection, app.config)

    assert (run.status, run.created, run.rejected) == ("succeeded", 4, 1)
    assert run.rejections == ["account salesforce:001RM000005uXz3YAE (Wayne Enterprises): owner email "
                              "integration@acme.my.salesforce.test is no user of this organization"]
    assert {c.request.headers["Authorization"] for c in sf.calls} == {"Bearer 00DRM000000secret!AQ"}
    umbrella = session.scalar(select(Account).where(Account.external_id == "salesforce:001RM000005uXz1YAE"))
    assert (umbrella.owner_id, umbrella.segment, umbrella.territory) == (
        org.users["rep_a1"].id, "Biotechnology", "CA")
    rollout = session.scalar(select(Opportunity).where(Opportunity.name == "Umbrella lab rollout"))
    assert (rollout.stage.name, rollout.amount, rollout.close_date, rollout.probability) == (
        "Proposal", Decimal("48000.00"), date(2027, 3, 31), 60)
    assert [(c.to_stage.name, c.changed_at) for c in rollout.history] == [
        ("Prospecting", datetime(2025, 11, 3, 14, tzinfo=UTC)),
        ("Discovery", datetime(2025, 12, 1, 8, 15, tzinfo=UTC)),
        ("Proposal", datetime(2026, 1, 12, 16, 45, tzinfo=UTC))]
    lost = session.scalar(select(Opportunity).where(Opportunity.name == "Stark reactor service"))
    assert (lost.status, lost.stage.name, lost.owner_id) == ("lost", "Closing", org.users["rep_b1"].id)
    assert [c.to_stage.name for c in lost.history] == ["Negotiation", "Closing"]


def test_a_resync_leaves_what_did_not_change(app, session, sf, connection):
    serve_all(sf)
    sync_connection(session, connection, app.config)
    serve_all(sf)
    run = sync_connection(session, connection, app.config)

    assert (run.status, run.created, run.updated, run.unchanged, run.rejected) == (
        "succeeded", 0, 0, 4, 1)
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 2


def test_request_limit_exceeded_is_retried_then_the_page_is_read(app, session, sf, connection):
    query(sf, ACCOUNTS, "salesforce_accounts_1.json")
    sf.get(f"{BASE}/query/01gRM000001Vb9kYAC-2000", json=recorded("salesforce_request_limit.json"),
           status=403)
    sf.get(f"{BASE}/query/01gRM000001Vb9kYAC-2000", json=recorded("salesforce_accounts_2.json"))
    query(sf, OPPORTUNITIES, "salesforce_opportunities_1.json")
    sf.get(f"{BASE}/query/01gRM000001Vb9lYAC-2000", json=recorded("salesforce_opportunities_2.json"))
    sleeps = Sleeps()
    run = sync_connection(session, connection, app.config, sleep=sleeps)

    assert (run.status, run.created) == ("succeeded", 4)
    assert sleeps == [1.0]


def test_an_expired_session_fails_the_run_and_marks_the_connection(app, session, sf, connection):
    query(sf, ACCOUNTS, "salesforce_accounts_1.json")
    sf.get(f"{BASE}/query/01gRM000001Vb9kYAC-2000", json=recorded("salesforce_invalid_session.json"),
           status=401)
    run = sync_connection(session, connection, app.config)

    assert (run.status, connection.last_status) == ("revoked", "revoked")
    assert run.error == "credential revoked: reconnect (Salesforce: INVALID_SESSION_ID)"
    assert session.scalar(select(func.count()).select_from(Account)) == 2  # page 1 kept


LOGIN = "https://login.salesforce.com/services/Soap/u/59.0"
PASSWORD_LOGIN = {"username": "ops@acme.test", "password": "pw", "security_token": "tok"}


def test_a_password_login_gives_the_session_the_queries_use(app, session, org, sf):
    connection = connect(app, session, org, "salesforce", PASSWORD_LOGIN,
                         stage_map={"closed lost": "Closing"})
    sf.post(LOGIN, body=(RECORDED / "salesforce_login.xml").read_text())
    serve_all(sf)
    run = sync_connection(session, connection, app.config)

    assert (run.status, run.created) == ("succeeded", 4)
    assert "<n1:password>pwtok</n1:password>" in sf.calls[0].request.body
    assert sf.calls[1].request.headers["Authorization"] == "Bearer 00DRM000000abcd!AQ.login-session"


def test_a_refused_login_is_a_revoked_credential(app, session, org, sf):
    connection = connect(app, session, org, "salesforce", PASSWORD_LOGIN)
    sf.post(LOGIN, body=(RECORDED / "salesforce_login_invalid.xml").read_text(), status=500)
    run = sync_connection(session, connection, app.config)
    assert (run.status, run.error) == (
        "revoked", "credential revoked: reconnect (Salesforce login failed: INVALID_LOGIN)")


def test_credentials_sealed_with_another_key_fail_the_run_clearly(app, session, connection):
    app.config["CREDENTIALS_KEY"] = "mK3sQ1b3m6x0pYl1cJvO7aQWm3m2m9cZbq8o1qkz0aE="
    run = sync_connection(session, connection, app.config)
    assert (run.status, run.error) == (
        "failed", "a stored credential cannot be decrypted with CREDENTIALS_KEY")
