"""A manager's or admin's read of a rep's transcript (review page, review API, sessions API,
exports) is recorded; the rep's own reads are not; the rep sees theirs, another rep does not."""

from sqlalchemy import select

from models import TranscriptRead
from service.widget.tokens import mint

ORIGIN = "https://crm.one.test"


def reads(session):
    session.expire_all()
    return [(r.reader_id, r.session_id, r.kind) for r in
            session.scalars(select(TranscriptRead).order_by(TranscriptRead.id))]


def test_manager_reads_through_page_api_and_exports_are_recorded(session, api, world, browser_of):
    org, made = world
    manager, sid = org.users["manager_a"], made["recent"].id
    page = browser_of(manager).get(f"/review/sessions/{sid}")
    assert "recent secret answer" in page.text
    token = org.tokens["manager_a"]
    assert api.get(f"/api/v1/review/sessions/{sid}", token).status_code == 200
    assert api.get(f"/sessions/{sid}", token).json["messages"][1]["text"] == "recent secret answer"
    assert api.get(f"/api/v1/review/sessions/{sid}/export?format=json", token).status_code == 200
    assert browser_of(org.admin).get(f"/review/sessions/{sid}/export?format=md").status_code == 200
    assert reads(session) == [(manager.id, sid, "transcript"), (manager.id, sid, "api"),
                              (manager.id, sid, "api"), (manager.id, sid, "export"),
                              (org.admin.id, sid, "export")]


def test_a_range_export_records_each_session(session, api, world):
    org, made = world
    response = api.get("/api/v1/review/export?date_from=2000-01-01&date_to=2100-01-01&format=json",
                       org.tokens["admin"])
    assert response.status_code == 200
    assert {(r[1], r[2]) for r in reads(session)} == {(made["recent"].id, "export"),
                                                      (made["old"].id, "export")}


def test_the_reps_own_reads_are_not_recorded(session, api, world):
    org, made = world
    assert api.get(f"/sessions/{made['recent'].id}", org.tokens["rep_a1"]).status_code == 200
    assert reads(session) == []


def test_no_transcript_shown_no_page_read_recorded(session, api, world):
    org, made = world
    org.admin.organization.transcript_visibility = "summary"
    session.commit()
    shown = api.get(f"/api/v1/review/sessions/{made['recent'].id}", org.tokens["manager_a"])
    assert shown.status_code == 200 and shown.json["messages"] == []
    assert reads(session) == []


def test_the_rep_sees_who_read_and_another_rep_does_not(session, api, world):
    org, made = world
    sid = made["recent"].id
    api.get(f"/api/v1/review/sessions/{sid}", org.tokens["manager_a"])
    org.admin.organization.widget_origins = [ORIGIN]
    session.commit()
    widget = mint(org.users["rep_a1"], ORIGIN).token
    mine = api.get("/privacy/reads", widget, headers={"Origin": ORIGIN})
    assert mine.status_code == 200
    [item] = mine.json["items"]
    assert (item["session_id"], item["reader"]["name"], item["reader"]["role"]) == (
        sid, "One manager_a", "manager")
    assert api.get(f"/privacy/reads?session_id={made['old'].id}", widget,
                   headers={"Origin": ORIGIN}).json["total"] == 0
    other = api.get("/privacy/reads", org.tokens["rep_a2"])
    assert other.status_code == 200 and other.json["items"] == []
    assert api.get("/privacy/reads", org.tokens["manager_a"]).json["items"] == []


def test_admins_list_filter_and_download_the_audit(session, api, world, browser_of):
    org, made = world
    api.get(f"/api/v1/review/sessions/{made['recent'].id}", org.tokens["manager_a"])
    api.get(f"/api/v1/review/sessions/{made['old'].id}", org.tokens["manager_b"])  # not their team: 404
    api.get(f"/api/v1/review/sessions/{made['old'].id}", org.tokens["admin"])
    admin = browser_of(org.admin)
    listed = admin.get("/review/admin/audit")
    assert "2 reads" in listed.text and "One manager_a" in listed.text
    only = admin.get(f"/review/admin/audit?reader_id={org.users['manager_a'].id}")
    assert "1 read of" in only.text and "One Admin" not in only.text.split("<table")[1]
    csv = admin.get("/review/admin/audit.csv").text.splitlines()
    assert csv[0] == "read_at,reader_id,reader_name,reader_role,rep_id,rep_name,session_id,kind"
    assert len(csv) == 3 and any("One manager_a,manager" in line for line in csv)
    assert browser_of(org.users["manager_a"]).get("/review/admin/audit").status_code == 403


def test_the_admin_page_saves_settings_erases_after_confirming_and_exports(session, world, browser_of):
    org, _ = world
    admin, rep = browser_of(org.admin), org.users["rep_a2"]
    page = admin.get("/review/admin/privacy")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    saved = admin.post("/review/admin/privacy", data={"csrf_token": csrf, "transcript_days": "30",
                                                      "purge_summaries": "true", "erase_figures": "remove"})
    assert saved.status_code == 302
    assert 'value="30"' in admin.get("/review/admin/privacy").text
    exported = admin.post("/review/admin/privacy/export", data={"csrf_token": csrf, "user_id": rep.id})
    assert exported.json["profile"]["email"] == rep.email
    ask = admin.post("/review/admin/privacy/erase", data={"csrf_token": csrf, "user_id": rep.id})
    assert "Type their email address" in ask.text
    wrong = admin.post("/review/admin/privacy/erase", data={"csrf_token": csrf, "user_id": rep.id,
                                                            "confirm": "nobody@x.test"})
    assert "nothing was erased" in wrong.text
    done = admin.post("/review/admin/privacy/erase", data={"csrf_token": csrf, "user_id": rep.id,
                                                           "confirm": rep.email})
    assert done.status_code == 302
    events = admin.get("/review/admin/privacy").text
    assert "erasure" in events and "export" in events and rep.email not in events


def test_a_sessions_csv_records_each_exported_session(session, api, world):
    org, made = world
    response = api.get("/api/v1/review/export/sessions.csv", org.tokens["manager_a"])
    assert response.status_code == 200 and "recent summary" in response.text
    assert {(r[0], r[1], r[2]) for r in reads(session)} == {
        (org.users["manager_a"].id, made["recent"].id, "export"),
        (org.users["manager_a"].id, made["old"].id, "export")}
