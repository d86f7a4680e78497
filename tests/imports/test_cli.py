"""`flask import csv`: the guessed mapping and stage suggestions shown, a progress bar, the counts
and the first rejected rows; the rows stored."""

from sqlalchemy import func, select

from models import Opportunity

from .csv_files import accounts_file, deals_file


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["import", "csv", *args])


def test_cli_imports_accounts_then_deals_with_stage_mapping(app, session, orgs, tmp_path):
    org = str(orgs["one"].id)
    done = invoke(app, accounts_file(tmp_path / "a.csv"), "--org", org, "--kind", "accounts")
    assert "2 rows, 2 created, 0 updated, 0 unchanged, 0 rejected" in done.output, done.output
    result = invoke(app, deals_file(tmp_path / "d.csv"), "--org", org, "--kind", "opportunities",
                    "--stage", "Presentation scheduled=Proposal", "--stage", "Lunch=Closing",
                    "--map", "Stage History=")
    assert result.exit_code == 0, result.output
    assert "column 'Deal Stage' -> stage" in result.output
    assert "stage 'Qualified to buy' (5 rows) -> Qualification" in result.output
    assert "importing" in result.output
    assert "7 rows, 3 created, 0 updated, 0 unchanged, 4 rejected" in result.output
    assert "  line 4: amount 'lots' is not an amount" in result.output
    assert "  line 5: owner email nobody@x.com is no user of this organization" in result.output
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 3
    again = invoke(app, deals_file(tmp_path / "d.csv"), "--org", org, "--kind", "opportunities",
                   "--stage", "Presentation scheduled=Proposal", "--stage", "Lunch=Closing",
                   "--stage", "Appointment scheduled=Prospecting")
    assert "stage 'Appointment scheduled' (1 rows) -> Prospecting" in again.output
    assert "7 rows, 0 created, 1 updated, 2 unchanged, 4 rejected" in again.output


def test_cli_refuses_a_mapping_without_a_required_field(app, orgs, tmp_path):
    result = invoke(app, accounts_file(tmp_path / "a.csv"), "--org", str(orgs["one"].id),
                    "--kind", "accounts", "--map", "Owner Email=")
    assert result.exit_code == 2
    assert "map a column to 'owner_email'" in result.output
    unknown = invoke(app, accounts_file(tmp_path / "a.csv"), "--org", "999", "--kind", "accounts")
    assert "no organization 999" in unknown.output
