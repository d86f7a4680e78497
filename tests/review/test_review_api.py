"""The review API: who sees what, only confirmed sessions, privacy setting, notes, reviewed, exports."""

import json

import pytest

from .seed import add_figures, add_sessions

R = "/api/v1/review"


@pytest.fixture
def team(session, orgs):
    org = orgs["one"]
    add_figures(session, org)
    confirmed = add_sessions(session, org, 4)
    draft = add_sessions(session, org, 1, status="ended", start=50, word="secretword")[0]
    other_team = add_sessions(session, org, 1, rep_names=("rep_b1",), start=60)[0]
    return org, confirmed, draft, other_team


def test_unconfirmed_sessions_are_never_shown(api, team):
    org, confirmed, draft, _ = team
    token = org.tokens["manager_a"]
    listed = api.get(f"{R}/sessions?per_page=100", token).json
    assert {s["id"] for s in listed["items"]} == {s.id for s in confirmed}
    assert api.get(f"{R}/sessions/{draft.id}", token).status_code == 404
    assert api.get(f"{R}/sessions/{draft.id}/export", token).status_code == 404
    assert api.get(f"{R}/sessions?q=secretword", token).json["total"] == 0
    exported = api.get(f"{R}/export?date_from=2000-01-01&date_to=2100-01-01&format=json", token)
    assert draft.id not in {s["id"] for s in json.loads(exported.data)["sessions"]}
    texts = {c["text"] for c in api.get(f"{R}/commitments?per_page=100", token).json["items"]}
    assert not any(t.endswith(" of 50") for t in texts)


def test_managers_see_only_their_teams_and_nothing_crosses_organizations(api, orgs, team):
    org, confirmed, _, other_team = team
    assert api.get(f"{R}/sessions/{other_team.id}", org.tokens["manager_a"]).status_code == 404
    assert api.get(f"{R}/sessions/{confirmed[0].id}", org.tokens["manager_b"]).status_code == 404
    assert api.get(f"{R}/sessions/{confirmed[0].id}", org.tokens["admin"]).status_code == 200
    assert api.get(f"{R}/sessions/{confirmed[0].id}", orgs["two"].tokens["admin"]).status_code == 404
    assert api.get(f"{R}/sessions", orgs["two"].tokens["manager_a"]).json["total"] == 0
    names = [r["rep"]["name"] for r in api.get(f"{R}/dashboard", org.tokens["manager_a"]).json["reps"]]
    assert sorted(names) == ["One rep_a1", "One rep_a2"]  # in order of need: see test_dashboard_triage
    refused = api.get(f"{R}/dashboard", org.tokens["rep_a1"])
    assert refused.status_code == 403 and "manager" in refused.json["error"]["message"]


def test_dashboard_figures(api, team):
    org = team[0]
    rows = api.get(f"{R}/dashboard", org.tokens["manager_a"]).json["reps"]
    first = rows[0]
    assert first["sessions"]["last_id"] is not None
    counts = first["commitments"]
    assert counts["overdue"] >= 1 and counts["done"] >= 1
    kpis = first["kpis"]
    assert kpis["figures"]["closed_value"] == {"value": "10000.00", "previous": "15000.00",
                                               "change_pct": -33.3}
    assert kpis["attainment_pct"] == 50 and len(kpis["history"]) == 3
    assert first["skills"]["ratings"][0] == {"skill": "discovery", "rating": 3, "previous": 2}
    assert 0 < first["quality"]["rep_word_share"] < 1


def test_ask_now_lists_each_kind_with_a_question(api, team):
    items = api.get(f"{R}/ask-now", team[0].tokens["manager_a"]).json["items"]
    kinds = {i["kind"] for i in items}
    assert kinds == {"stalled_opportunity", "overdue_commitment", "kpi_drop", "help_asked"}
    assert all(i["question"].endswith("?") for i in items)
    assert all(i["rep"]["name"].startswith("One rep_a") for i in items)


def test_filters_search_and_pagination(api, team):
    org, confirmed, _, _ = team
    token = org.tokens["manager_a"]
    rep = org.users["rep_a2"].id
    by_rep = api.get(f"{R}/sessions?rep_id={rep}", token).json
    assert by_rep["total"] == 2 and all(s["rep"]["id"] == rep for s in by_rep["items"])
    assert api.get(f"{R}/sessions?mode=opportunity", token).json["total"] == 2
    opp = confirmed[0].opportunity_id
    assert [s["id"] for s in api.get(f"{R}/sessions?opportunity_id={opp}", token).json["items"]] == [
        confirmed[0].id]
    page = api.get(f"{R}/sessions?per_page=3&page=2", token).json
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 1)
    assert api.get(f"{R}/sessions?q=story+needs", token).json["total"] == 4
    assert api.get(f"{R}/sessions?q=100%25", token).json["total"] == 0  # % is literal


def test_summary_only_organizations_hide_transcripts_and_their_search(api, session, team):
    org, confirmed, _, _ = team
    org.admin.organization.transcript_visibility = "summary"
    session.commit()
    token = org.tokens["manager_a"]
    detail = api.get(f"{R}/sessions/{confirmed[0].id}", token).json
    assert detail["transcript_visible"] is False and detail["messages"] == []
    assert detail["summary"] and detail["commitments"]
    assert api.get(f"{R}/sessions?q=story+needs", token).json["total"] == 0
    markdown = api.get(f"{R}/sessions/{confirmed[0].id}/export?format=md", token).text
    assert "## Transcript" not in markdown and "## Summary" in markdown


def test_notes_and_reviewed(api, team):
    org, confirmed, _, _ = team
    sid, token = confirmed[1].id, org.tokens["manager_a"]
    note = api.post(f"{R}/sessions/{sid}/notes", token, json={"text": "Ask about pricing"})
    assert note.status_code == 201
    edited = api.patch(f"{R}/notes/{note.json['id']}", token, json={"text": "Ask about the CFO"})
    assert edited.json["text"] == "Ask about the CFO"
    not_mine = api.patch(f"{R}/notes/{note.json['id']}", org.tokens["admin"], json={"text": "x"})
    assert not_mine.status_code == 403
    hidden = api.patch(f"{R}/notes/{note.json['id']}", org.tokens["manager_b"], json={"text": "x"})
    assert hidden.status_code == 404
    assert api.post(f"{R}/sessions/{sid}/notes", token, json={"text": ""}).status_code == 422
    marked = api.put(f"{R}/sessions/{sid}/reviewed", token, json={"reviewed": True}).json
    assert marked["reviewed_by_id"] == org.users["manager_a"].id
    assert api.get(f"{R}/sessions?reviewed=true", token).json["total"] == 1
    assert api.get(f"{R}/sessions?reviewed=false", token).json["total"] == 3
    detail = api.get(f"{R}/sessions/{sid}", token).json
    assert detail["reviewed_by"]["name"] == "One manager_a"
    assert [n["text"] for n in detail["notes"]][-1] == "Ask about the CFO"


def test_exports_are_downloads(api, team):
    org, confirmed, _, _ = team
    token = org.tokens["manager_a"]
    one = api.get(f"{R}/sessions/{confirmed[0].id}/export?format=md", token)
    assert one.headers["Content-Disposition"] == f'attachment; filename="session-{confirmed[0].id}.md"'
    assert one.text.startswith(f"# Coaching session {confirmed[0].id}: One rep_a1")
    assert "### Acknowledge" in one.text and "## Commitments" in one.text
    many = api.get(f"{R}/export?date_from=2000-01-01&date_to=2100-01-01&format=json", token)
    assert many.mimetype == "application/json"
    assert len(json.loads(many.data)["sessions"]) == 4
    backwards = api.get(f"{R}/export?date_from=2026-02-01&date_to=2026-01-01", token)
    assert backwards.status_code == 422
