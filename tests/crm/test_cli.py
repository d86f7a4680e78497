"""`flask crm sync --org` on demand and `flask crm run` (the schedule's round)."""

from datetime import timedelta

from models import utcnow

from .conftest import connect
from .test_hubspot import serve_all


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["crm", *args])


def test_sync_on_demand_prints_the_counts_and_reasons(app, session, org, hubspot):
    connect(app, session, org, "hubspot", {"access_token": "pat"}, stage_map={"closed won": "Closing"})
    serve_all(hubspot)
    result = cli(app, "sync", "--org", str(org.id), "--provider", "hubspot")
    assert result.exit_code == 0, result.output
    assert "hubspot: succeeded; created 4, updated 0, unchanged 0, rejected 2" in result.output
    assert "rejected account hubspot:5003 (Initech): owner email stranger@elsewhere.test" in result.output


def test_sync_of_an_organization_without_a_connection_says_so(app, org):
    result = cli(app, "sync", "--org", str(org.id))
    assert result.exit_code == 1 and "has no CRM connection" in result.output


def test_the_schedule_takes_only_what_is_due_and_enabled(app, session, org, orgs, hubspot):
    long_ago = utcnow() - timedelta(hours=2)
    due = connect(app, session, org, "hubspot", {"access_token": "pat"}, last_synced_at=long_ago,
                  interval_minutes=60)
    connect(app, session, orgs["two"], "hubspot", {"access_token": "pat-2"}, last_synced_at=utcnow())
    connect(app, session, orgs["two"], "salesforce", {"session_id": "x"}, enabled=False)
    serve_all(hubspot)
    result = cli(app, "run")
    assert result.exit_code == 0, result.output
    assert result.output.count("hubspot: succeeded") == 1
    session.refresh(due)
    assert due.last_status == "succeeded" and due.last_synced_at > long_ago
    assert cli(app, "run").output.strip() == "nothing due"
