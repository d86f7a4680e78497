"""A manager asks a rep to hold a session; the rep lists it, starts it preset, confirms it."""

from datetime import date, timedelta
from decimal import Decimal

from models import CoachingSession, SessionAssignment
from service.world import account_with_deals, stages_of


def _deal(session, org, rep="rep_a1", name="Contoso rollout"):
    opp, = account_with_deals(session, org.id, org.users[rep].id, f"{name} account", {
        "stage_id": stages_of(session, org.id)[1].id, "name": name, "amount": Decimal("5000.00")})
    session.commit()
    return opp


def _assign(api, org, opp, **extra):
    body = {"rep_id": org.users["rep_a1"].id, "mode": "call_debrief", "opportunity_id": opp.id,
            "due_date": (date.today() + timedelta(days=2)).isoformat(),
            "note": "Debrief the Contoso call by Friday", **extra}
    return api.post("/assignments", org.tokens["manager_a"], json=body)


def test_a_manager_assigns_the_rep_lists_starts_and_confirms_it(api, session, orgs):
    org = orgs["one"]
    opp = _deal(session, org)
    made = _assign(api, org, opp)
    assert made.status_code == 201, made.text
    assert made.json["status"] == "open" and made.json["assigned_by"]["name"] == "One manager_a"
    assert made.json["opportunity"] == {"id": opp.id, "name": "Contoso rollout"}

    rep = org.tokens["rep_a1"]
    listed = api.get("/assignments?open=true", rep).json
    assert [a["note"] for a in listed["items"]] == ["Debrief the Contoso call by Friday"]
    assert listed["total"] == 1 and listed["pages"] == 1
    assert api.get("/assignments", org.tokens["rep_a2"]).json["total"] == 0
    assert api.get("/assignments", org.tokens["manager_a"]).json["total"] == 1
    assert api.get("/assignments", org.tokens["manager_b"]).json["total"] == 0

    started = api.post("/sessions", rep, json={"assignment_id": made.json["id"]})
    assert started.status_code == 201, started.text
    assert (started.json["mode"], started.json["opportunity_id"]) == ("call_debrief", opp.id)
    row = session.get(SessionAssignment, made.json["id"])
    session.refresh(row)
    assert (row.status, row.session_id) == ("started", started.json["id"])

    sid = started.json["id"]
    assert api.post(f"/sessions/{sid}/end", rep).status_code == 200
    assert api.patch(f"/sessions/{sid}/summary", rep, json={"confirmed": True}).status_code == 200
    done = api.get("/assignments?status=done", rep).json["items"]
    assert [(a["id"], a["session_id"]) for a in done] == [(made.json["id"], sid)]
    assert api.get("/assignments?open=true", rep).json["total"] == 0


def test_a_discarded_session_leaves_the_assignment_open(api, session, orgs):
    org = orgs["one"]
    made = _assign(api, org, _deal(session, org)).json
    rep = org.tokens["rep_a1"]
    sid = api.post("/sessions", rep, json={"assignment_id": made["id"]}).json["id"]
    assert api.delete(f"/sessions/{sid}", rep).status_code == 204
    again = api.get("/assignments", rep).json["items"][0]
    assert (again["status"], again["session_id"]) == ("open", None)


def test_who_may_assign_and_start(api, session, orgs):
    org, other = orgs["one"], orgs["two"]
    opp = _deal(session, org)
    body = {"rep_id": org.users["rep_a1"].id, "mode": "weekly_review"}
    assert api.post("/assignments", org.tokens["rep_a2"], json=body).status_code == 403
    assert api.post("/assignments", org.tokens["rep_a1"], json=body).status_code == 403
    assert api.post("/assignments", org.tokens["manager_b"], json=body).status_code == 404
    assert api.post("/assignments", other.tokens["manager_a"], json=body).status_code == 404
    assert api.post("/assignments", other.tokens["admin"], json=body).status_code == 404
    assert api.post("/assignments", org.tokens["admin"], json=body).status_code == 201
    # the deal must be the rep's own
    theirs = _deal(session, org, rep="rep_a2", name="Someone else's deal")
    wrong = _assign(api, org, theirs)
    assert wrong.status_code == 404 and "opportunity" in wrong.json["error"]["message"]
    assert _assign(api, org, opp, mode="no_such_mode").status_code == 422
    assert session.query(SessionAssignment).count() == 1

    made = _assign(api, org, opp).json
    for token in (org.tokens["rep_a2"], other.tokens["rep_a1"]):
        assert api.post("/sessions", token, json={"assignment_id": made["id"]}).status_code == 404
    assert api.post("/sessions", org.tokens["manager_a"],
                    json={"assignment_id": made["id"]}).status_code == 403
    assert session.query(CoachingSession).count() == 0


def test_lists_are_paginated_and_filter_overdue(api, session, orgs):
    org = orgs["one"]
    opp = _deal(session, org)
    for days in (-3, -1, 4):
        _assign(api, org, opp, due_date=(date.today() + timedelta(days=days)).isoformat())
    page = api.get("/assignments?per_page=2", org.tokens["manager_a"]).json
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    late = api.get("/assignments?overdue=true", org.tokens["rep_a1"]).json["items"]
    assert len(late) == 2 and all(a["overdue"] for a in late)


def test_a_manager_withdraws_one_not_done(api, session, orgs):
    org, other = orgs["one"], orgs["two"]
    made = _assign(api, org, _deal(session, org)).json
    url = f"/assignments/{made['id']}"
    assert api.delete(url, org.tokens["rep_a1"]).status_code == 403
    assert api.delete(url, org.tokens["manager_b"]).status_code == 404
    assert api.delete(url, other.tokens["admin"]).status_code == 404
    assert api.delete(url, org.tokens["manager_a"]).status_code == 204
    assert api.get("/assignments", org.tokens["rep_a1"]).json["total"] == 0
