"""The imports API: an upload answers the preview and the guessed mapping, a run is a job that
finishes in the background, its counts and rejected rows are read back; admins only."""

import io
import json
import time

import pytest

from .csv_files import DEAL_STAGES, accounts_file, deals_file


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(api, token, path, kind, **form):
    data = {"kind": kind, **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in form.items()}}
    with open(path, "rb") as file:
        data["file"] = (io.BytesIO(file.read()), "export.csv")
    return api.post("/imports", token, data=data, content_type="multipart/form-data")


def finished(api, token, job_id):
    for _ in range(1200):  # the job runs in a thread of the app
        job = api.get(f"/imports/{job_id}", token).get_json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"import {job_id} still {job['status']}")


def test_upload_previews_then_run_imports_and_reports_rejections(api, orgs, tmp_path, upload_dir):
    admin = orgs["one"].tokens["admin"]
    started = upload(api, admin, accounts_file(tmp_path / "a.csv"), "accounts", run="true")
    assert started.status_code == 201, started.get_json()
    assert finished(api, admin, started.get_json()["job"]["id"])["created"] == 2

    shown = upload(api, admin, deals_file(tmp_path / "d.csv"), "opportunities")
    assert shown.status_code == 201
    body = shown.get_json()
    assert body["job"]["status"] == "queued" and body["job"]["filename"] == "export.csv"
    assert body["preview"]["mapping"]["Deal Stage"] == "stage"
    assert body["preview"]["rows"][0]["name"] == "Acme renewal"
    assert {"name": "Qualified to buy", "rows": 5, "mapped_to": "Qualification"} in body["preview"]["stages"]

    job_id = body["job"]["id"]
    ran = api.post(f"/imports/{job_id}/run", admin, json={"stage_map": DEAL_STAGES})
    assert ran.status_code == 202
    job = finished(api, admin, job_id)
    assert {k: job[k] for k in ("status", "total", "processed", "created", "rejected")} == {
        "status": "done", "total": 7, "processed": 7, "created": 2, "rejected": 5}
    page = api.get(f"/imports/{job_id}/rejections?per_page=2", admin).get_json()
    assert (page["total"], page["pages"]) == (5, 3)
    assert page["items"][0] == {"row_number": 4, "reason": "amount 'lots' is not an amount", "raw": {
        "Deal ID": "D-3", "Deal Name": "Bad amount", "Account ID": "A-1", "Deal Owner": "rep_a1@one.test",
        "Deal Stage": "Qualified to buy", "Amount": "lots", "Close Date": "", "Stage History": ""}}
    assert list(upload_dir.iterdir()) == []  # uploads deleted once imported
    again = api.post(f"/imports/{job_id}/run", admin, json={})
    assert again.status_code == 409
    listed = api.get("/imports", admin).get_json()
    assert [j["id"] for j in listed["items"]] == [job_id, started.get_json()["job"]["id"]]


def test_mapping_missing_a_required_field_is_refused(api, orgs, tmp_path):
    admin = orgs["one"].tokens["admin"]
    answer = upload(api, admin, accounts_file(tmp_path / "a.csv"), "accounts", run="true",
                    mapping={"Account ID": "external_id", "Account Name": "name"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"mapping": ["map a column to 'owner_email'"]}
    bad = upload(api, admin, accounts_file(tmp_path / "a.csv"), "planets")
    assert bad.status_code == 422, bad.get_json()
    assert "kind" in str(bad.get_json()["error"]["fields"])


def test_only_admins_of_the_organization(api, orgs, tmp_path):
    one, two = orgs["one"], orgs["two"]
    for who in ("manager_a", "rep_a1"):
        assert upload(api, one.tokens[who], accounts_file(tmp_path / "a.csv"), "accounts").status_code == 403
    job_id = upload(api, one.tokens["admin"], accounts_file(tmp_path / "a.csv"),
                    "accounts").get_json()["job"]["id"]
    assert api.get(f"/imports/{job_id}", two.tokens["admin"]).status_code == 404
    assert api.get(f"/imports/{job_id}/rejections", two.tokens["admin"]).status_code == 404
    assert api.post(f"/imports/{job_id}/run", two.tokens["admin"], json={}).status_code == 404
    assert api.get(f"/imports/{job_id}", one.tokens["manager_a"]).status_code == 403


def test_an_upload_larger_than_the_other_bodies_is_taken(app, api, orgs, tmp_path):
    rows = [f"A-{n},Account {n},rep_a1@one.test" for n in range(8_000)]
    path = tmp_path / "big.csv"
    path.write_text("id,name,owner\n" + "\n".join(rows) + "\n")
    assert path.stat().st_size > app.config["MAX_CONTENT_LENGTH"]
    answer = upload(api, orgs["one"].tokens["admin"], path, "accounts", run="true")
    assert answer.status_code == 201
    assert finished(api, orgs["one"].tokens["admin"], answer.get_json()["job"]["id"])["created"] == 8_000
