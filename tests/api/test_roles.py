"""Role rules that are not about visibility: managers read pipelines, an organization keeps an admin."""

import pytest
from sqlalchemy import select

from models import Account, KpiSnapshot, Opportunity, SkillAssessment, User


def test_a_manager_creates_no_pipeline_for_themselves_or_a_rep(api, orgs, session):
    one = orgs["one"]
    manager, rep = one.tokens["manager_a"], one.users["rep_a1"]
    account_id = api.post("/accounts", one.tokens["rep_a1"], json={"name": "Acme"}).json["id"]
    refused = [
        api.post("/accounts", manager, json={"name": "Mine"}),
        api.post("/accounts", manager, json={"name": "Theirs", "owner_id": rep.id}),
        api.post("/opportunities", manager, json={"account_id": account_id, "name": "x",
                                                  "amount": "1", "owner_id": rep.id}),
        api.post("/kpis", manager, json={"period_type": "month", "period_start": "2024-01-01"}),
        api.post("/skills/assessments", manager, json={"ratings": [
            {"skill": "closing", "rating": 3}]}),
    ]
    assert [r.status_code for r in refused] == [403] * 5, [r.json for r in refused]
    assert refused[0].json["error"]["message"].endswith("managers read.")
    manager_id = one.users["manager_a"].id
    for model, owner in ((Account, Account.owner_id), (Opportunity, Opportunity.owner_id),
                         (KpiSnapshot, KpiSnapshot.rep_id), (SkillAssessment, SkillAssessment.rep_id)):
        assert session.scalars(select(model).where(owner == manager_id)).all() == []
    assert session.scalars(select(Account.name)).all() == ["Acme"]


def test_reps_and_admins_still_write_pipelines(api, orgs):
    one = orgs["one"]
    rep = one.users["rep_a1"]
    assert api.post("/accounts", one.tokens["rep_a1"], json={"name": "Own"}).status_code == 201
    by_admin = api.post("/accounts", one.tokens["admin"], json={"name": "For", "owner_id": rep.id})
    assert by_admin.status_code == 201 and by_admin.json["owner_id"] == rep.id


@pytest.mark.parametrize("change", [{"role": "manager"}, {"role": "rep"}, {"active": False}])
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(api, orgs, session, change):
    one = orgs["one"]
    response = api.patch(f"/users/{one.admin.id}", one.tokens["admin"], json=change)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "last_admin"
    assert "last active admin" in response.json["error"]["message"]
    session.expire_all()
    admin = session.get(User, one.admin.id)
    assert admin.role == "admin" and admin.active


def test_an_admin_steps_down_once_another_admin_exists(api, orgs, session):
    one = orgs["one"]
    deputy = one.users["manager_a"]
    assert api.patch(f"/users/{deputy.id}", one.tokens["admin"],
                     json={"role": "admin"}).status_code == 200
    assert api.patch(f"/users/{one.admin.id}", one.tokens["admin"],
                     json={"role": "manager"}).status_code == 200
    # The deputy deactivates the former admin, and is then the last one: they cannot step down.
    deactivated = api.patch(f"/users/{one.admin.id}", one.tokens["manager_a"], json={"active": False})
    assert deactivated.status_code == 200
    response = api.patch(f"/users/{deputy.id}", one.tokens["manager_a"], json={"active": False})
    assert response.status_code == 409 and response.json["error"]["code"] == "last_admin"
