"""The admin's import page: upload -> mapping (columns, stages, preview) -> run -> progress ->
counts and rejected rows with their CSV; managers are refused. One run in a real Chromium."""

import csv
import io
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from models import Opportunity, User
from tests.browser_fixtures import screenshot
from tests.review.conftest import csrf_of, demo, login, web  # noqa: F401 - fixtures
from tests.review.test_browser import log_in

from .csv_files import write

ADMIN = "admin@demo.salescoach.test"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "uploads")


@pytest.fixture
def rep_email(demo):  # noqa: F811
    return demo.scalar(select(User.email).where(User.role == "rep").order_by(User.id))


def files(tmp_path, email):
    accounts = write(tmp_path / "accounts.csv", ["Account ID", "Account Name", "Owner Email"],
                     [["X-1", "Imported Ltd", email]])
    deals = write(tmp_path / "deals.csv", ["Deal ID", "Deal Name", "Account ID", "Deal Owner",
                                           "Deal Stage", "Amount"], [
        ["XD-1", "Imported deal", "X-1", email, "Qualified to buy", "5000"],
        ["XD-2", "Cheap deal", "X-1", email, "Lunch", "10"],
        ["XD-3", "Odd amount", "X-1", email, "Qualified to buy", "=1+1"]])
    return accounts, deals


def upload(client, kind, path):
    page = client.get("/review/admin/imports")
    with open(path, "rb") as file:
        return client.post("/review/admin/imports", data={
            "csrf_token": csrf_of(page.text), "kind": kind, "file": (io.BytesIO(file.read()), "export.csv")},
            content_type="multipart/form-data")


def wait_done(client, location):
    for _ in range(600):
        progress = client.get(location + "/progress.json").get_json()
        if progress["status"] in ("done", "failed"):
            return progress
        time.sleep(0.05)
    raise AssertionError(progress)


def test_admin_maps_runs_and_reads_the_rejections(web, demo, rep_email, tmp_path):  # noqa: F811
    client = web.test_client()
    assert login(client, ADMIN).status_code == 302
    accounts, deals = files(tmp_path, rep_email)
    location = upload(client, "accounts", accounts).headers["Location"]
    mapping = client.get(location).text
    client.post(location, data={"csrf_token": csrf_of(mapping), "action": "run", "map-0": "external_id",
                                "map-1": "name", "map-2": "owner_email"})
    assert wait_done(client, location)["created"] == 1

    location = upload(client, "opportunities", deals).headers["Location"]
    mapping = client.get(location).text
    assert "Map the columns of export.csv" in mapping
    assert re.search(r'<option value="stage" selected>stage \(required\)</option>', mapping)
    assert re.search(r'<option value="Qualification" selected>Qualification</option>', mapping)
    assert "<td>Imported deal</td>" in mapping
    form = {"csrf_token": csrf_of(mapping), "map-0": "external_id", "map-1": "name",
            "map-2": "account_external_id", "map-3": "owner_email", "map-4": "stage", "map-5": "amount",
            "stage_name-0": "Qualified to buy", "stage-0": "Qualification", "stage_name-1": "Lunch",
            "stage-1": "Proposal"}
    assert client.post(location, data={**form, "action": "run"}).status_code == 302
    assert wait_done(client, location)["rejected"] == 1
    result = client.get(location).text
    assert "<span id=\"import-created\">2</span> created" in result
    assert "amount &#39;=1+1&#39; is not an amount" in result
    download = client.get(location + "/rejections.csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["line", "reason", "Deal ID", "Deal Name", "Account ID", "Deal Owner",
                       "Deal Stage", "Amount"]
    assert rows[1][:3] == ["4", "amount '=1+1' is not an amount", "XD-3"] and rows[1][7] == "'=1+1"
    assert demo.scalar(select(func.count()).select_from(Opportunity).where(
        Opportunity.external_id.is_not(None))) == 2


def test_managers_do_not_import(web, demo, rep_email, tmp_path):  # noqa: F811
    client = web.test_client()
    manager = demo.scalar(select(User.email).where(User.role == "manager").order_by(User.id))
    assert login(client, manager).status_code == 302
    assert client.get("/review/admin/imports").status_code == 403
    assert "Imports" not in client.get("/review/").text


@pytest.mark.browser
def test_upload_map_progress_result_in_chromium(live_server, browser_page, demo, rep_email, tmp_path):  # noqa: F811
    page, base = browser_page, live_server.url
    accounts, deals = files(tmp_path, rep_email)
    log_in(page, base, ADMIN)
    for kind, path in (("Accounts", accounts), ("Opportunities", deals)):
        page.get_by_role("link", name="Imports", exact=True).click()
        page.get_by_label("What the rows are").select_option(label=kind)
        page.get_by_label("CSV file").set_input_files(path)
        page.get_by_role("button", name="Upload and map columns").click()
        assert page.get_by_role("heading", name="Map the columns of").is_visible()
        if kind == "Opportunities":
            assert page.get_by_label("Deal Stage").input_value() == "stage"
            page.get_by_label("Lunch").select_option("Proposal")
            page.get_by_role("button", name="Preview with this mapping").click()
            assert page.get_by_label("Lunch").input_value() == "Proposal"
            screenshot(page, "review-import-mapping")
        page.get_by_role("button", name="Run the import").click()
        expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    assert page.locator("#import-created").inner_text() == "2"
    assert page.locator("#import-bar").get_attribute("value") == "3"
    assert page.get_by_role("cell", name="amount '=1+1' is not an amount").is_visible()
    assert page.get_by_role("link", name="Download the rejected rows (CSV)").is_visible()
    screenshot(page, "review-import-result")
