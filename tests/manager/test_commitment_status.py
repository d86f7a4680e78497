"""A manager sets a commitment's status with a note after a one-to-one; the rep reads who and why."""

from datetime import timedelta

from models import CommitmentStatusChange, utcnow
from service.world import past_session
from tests.review.seed import add_sessions


def _commitment(session, org, rep="rep_a1"):
    coaching = past_session(session, org.id, org.users[rep].id, mode="weekly_review",
                            status="confirmed", confirmed_at=utcnow(),
                            commitments=[{"text": "Call the Litware procurement lead",
                                          "due_date": utcnow().date() - timedelta(days=2)}])
    session.commit()
    return coaching.commitments[0]


def test_the_managers_change_is_stored_and_the_rep_reads_it_where_the_widget_does(api, session, orgs):
    org = orgs["one"]
    commitment = _commitment(session, org)
    body = {"status": "done", "note": "We agreed in the 1:1: the call happened Tuesday."}
    changed = api.put(f"/commitments/{commitment.id}/status", org.tokens["manager_a"], json=body)
    assert changed.status_code == 200, changed.text
    row = session.query(CommitmentStatusChange).one()
    assert (row.changed_by_id, row.from_status, row.to_status, row.note) == (
        org.users["manager_a"].id, "open", "done", body["note"])
    session.refresh(commitment)
    assert commitment.status == "done" and commitment.closed_at is not None

    # The widget's "My commitments" reads these two lists with the rep's token.
    mine = api.get("/commitments?changed_by_other=true&per_page=100", org.tokens["rep_a1"]).json
    assert [c["id"] for c in mine["items"]] == [commitment.id]
    last = mine["items"][0]["last_change"]
    assert last["status"] == "done" and last["note"] == body["note"]
    assert last["by"] == {"id": org.users["manager_a"].id, "name": "One manager_a", "role": "manager"}
    assert api.get("/commitments?status=open", org.tokens["rep_a1"]).json["total"] == 0


def test_the_reps_own_mark_done_and_undo_still_work_and_are_not_a_managers_change(api, session, orgs):
    org = orgs["one"]
    commitment = _commitment(session, org)
    token = org.tokens["rep_a1"]
    assert api.patch(f"/commitments/{commitment.id}", token, json={"status": "done"}).status_code == 200
    undone = api.patch(f"/commitments/{commitment.id}", token, json={"status": "open"})
    assert undone.json["status"] == "open"
    assert [(c["status"], c["by"]["role"]) for c in undone.json["status_changes"]] == [
        ("done", "rep"), ("open", "rep")]
    assert api.get("/commitments?changed_by_other=true", token).json["total"] == 0


def test_only_the_reps_own_manager_or_an_admin_may_change_it(api, session, orgs):
    org, other = orgs["one"], orgs["two"]
    commitment = _commitment(session, org)
    url, body = f"/commitments/{commitment.id}/status", {"status": "dropped", "note": "no"}
    assert api.put(url, org.tokens["manager_b"], json=body).status_code == 404  # another team
    assert api.put(url, org.tokens["rep_a2"], json=body).status_code == 404  # another rep
    assert api.put(url, other.tokens["manager_a"], json=body).status_code == 404  # another org
    assert api.put(url, other.tokens["admin"], json=body).status_code == 404
    assert session.query(CommitmentStatusChange).count() == 0
    admin = api.put(url, org.tokens["admin"], json={"status": "dropped", "note": "Out of scope now."})
    assert admin.status_code == 200 and admin.json["last_change"]["by"]["role"] == "admin"


def test_a_draft_is_the_reps_alone(api, session, orgs):
    org = orgs["one"]
    draft, = add_sessions(session, org, 1, rep_names=("rep_a1",), status="ended")
    commitment = draft.commitments[0]
    response = api.put(f"/commitments/{commitment.id}/status", org.tokens["manager_a"],
                       json={"status": "done"})
    assert response.status_code == 404  # an unconfirmed session's draft is not shared
