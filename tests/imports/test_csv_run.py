"""A CSV file imported as a job: the guessed mapping and preview, the rows stored in batches,
every rejected row recorded with its line and reason, a re-import that changes nothing."""

from sqlalchemy import func, select

from models import Account, ImportJob, Opportunity, StageChange
from service.imports.csv_file import guess_mapping, preview
from service.imports.run import create_job, run_job
from service.world import stages_of

from .csv_files import DEAL_STAGES, DEALS_HEADER, accounts_file, deals_file, write

DEAL_MAPPING = {"Deal ID": "external_id", "Deal Name": "name", "Account ID": "account_external_id",
                "Deal Owner": "owner_email", "Deal Stage": "stage", "Amount": "amount",
                "Close Date": "close_date", "Stage History": "stage_history"}


def factory(app):
    return app.extensions["db"]["sessionmaker"]


def run(app, session, org, kind, path, mapping, stage_map=None, **kw):
    job = create_job(session, org.id, kind, path, mapping=mapping, stage_map=stage_map)
    return run_job(factory(app), job.id, **kw)


def test_guessed_mapping_of_crm_headers():
    assert guess_mapping("opportunities", DEALS_HEADER) == DEAL_MAPPING
    assert guess_mapping("accounts", ["Account ID", "Account Name", "Owner Email", "Segment"]) == {
        "Account ID": "external_id", "Account Name": "name", "Owner Email": "owner_email",
        "Segment": "segment"}


def test_preview_shows_rows_and_suggests_stages(session, orgs, tmp_path):
    path = deals_file(tmp_path / "deals.csv")
    stages = [s.name for s in stages_of(session, orgs["one"].id)]
    shown = preview(path, "opportunities", stages)
    assert shown["mapping"] == DEAL_MAPPING
    assert [r["external_id"] for r in shown["rows"]] == ["D-1", "D-2", "D-3", "D-4", "D-5"]
    assert {s["name"]: (s["rows"], s["mapped_to"]) for s in shown["stages"]} == {
        "Qualified to buy": (5, "Qualification"), "Presentation scheduled": (1, None),
        "Appointment scheduled": (1, None),
        "Lunch": (1, None)}


def test_import_stores_good_rows_and_reports_every_rejected_one(app, session, orgs, tmp_path):
    org = orgs["one"]
    accounts = run(app, session, org, "accounts", accounts_file(tmp_path / "a.csv"),
                   guess_mapping("accounts", ["Account ID", "Account Name", "Owner Email", "Segment"]))
    assert (accounts.status, accounts.created, accounts.rejected) == ("done", 2, 0)
    job = run(app, session, org, "opportunities", deals_file(tmp_path / "d.csv"), DEAL_MAPPING,
              DEAL_STAGES, batch_rows=2)
    assert (job.status, job.total, job.processed, job.created, job.rejected) == ("done", 7, 7, 2, 5)
    session.expire_all()
    stored = session.get(ImportJob, job.id)
    assert [(r.row_number, r.reason) for r in stored.rejections] == [
        (4, "amount 'lots' is not an amount"),
        (5, "owner email nobody@x.com is no user of this organization"),
        (6, "stage 'Lunch' is not a stage of this organization's sales process (Prospecting, "
            "Qualification, Discovery, Proposal, Negotiation, Closing): map it to one"),
        (7, "close_date '31.02.2027' is not a date (use YYYY-MM-DD)"),
        (8, "external_id is missing")]
    assert stored.rejections[0].raw["Deal Name"] == "Bad amount"
    deal = session.scalar(select(Opportunity).where(Opportunity.external_id == "D-1"))
    assert [c.to_stage.name for c in deal.history] == ["Prospecting", "Qualification"]

    again = run(app, session, org, "opportunities", deals_file(tmp_path / "d.csv"), DEAL_MAPPING,
                DEAL_STAGES)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 5)
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 2
    assert session.scalar(select(func.count()).select_from(StageChange)) == 3


def test_a_row_the_database_refuses_costs_only_itself(app, session, orgs, tmp_path):
    org = orgs["one"]
    header = ["rep", "month", "deals closed", "external_id"]
    path = write(tmp_path / "kpis.csv", header, [
        ["rep_a1@one.test", "2026-10-01", "2", "K-1"], ["rep_a1@one.test", "2026-11-01", "3", "K-1"],
        ["rep_a2@one.test", "2026-11-01", "1", "K-3"]])
    job = run(app, session, org, "kpi_snapshots", path, {
        "rep": "rep_email", "month": "period_start", "deals closed": "deals_closed",
        "external_id": "external_id"})
    assert (job.status, job.created, job.rejected) == ("done", 2, 1)
    session.expire_all()
    [rejection] = session.get(ImportJob, job.id).rejections
    assert rejection.row_number == 3 and rejection.reason.startswith("the database refused the row")


def test_semicolon_file_and_a_file_gone_fails_the_job_with_the_reason(app, session, orgs, tmp_path):
    org = orgs["one"]
    path = write(tmp_path / "a.csv", ["id", "name", "owner"], [["A-7", "Initech", "rep_a1@one.test"]],
                 delimiter=";")
    mapping = guess_mapping("accounts", ["id", "name", "owner"])
    assert run(app, session, org, "accounts", path, mapping).created == 1
    job = create_job(session, org.id, "accounts", path, mapping=mapping)
    (tmp_path / "a.csv").unlink()
    failed = run_job(factory(app), job.id)
    assert failed.status == "failed" and "No such file" in failed.error
    assert session.scalar(select(func.count()).select_from(Account)) == 1
