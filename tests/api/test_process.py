"""The sales process: everyone reads it, admins reshape it, stages in use stay."""

from decimal import Decimal

from models import Account, Opportunity


def stages_of(response):
    return [s["name"] for s in response.json["stages"]]


def test_any_user_reads_the_process_in_stage_order(api, orgs):
    response = api.get("/process", orgs["one"].tokens["rep_a1"])
    assert response.status_code == 200
    assert stages_of(response)[:3] == ["Prospecting", "Qualification", "Discovery"]
    first = response.json["stages"][0]
    assert first["position"] == 0 and first["benchmark_days"] == 14 and first["probability"] == 10
    assert "First meeting booked" in first["milestones"]


def test_admin_renames_reorders_adds_and_removes_stages(api, orgs):
    token = orgs["one"].tokens["admin"]
    stages = api.get("/process", token).json["stages"]
    body = {"name": "Enterprise motion", "stages": [
        {"id": stages[1]["id"], "name": "Qualify", "benchmark_days": 30, "probability": 25,
         "milestones": ["Budget confirmed"]},
        {"id": stages[0]["id"], "name": "Prospecting"},
        {"name": "Security review", "benchmark_days": 7, "probability": 70},
    ]}
    response = api.put("/process", token, json=body)
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Enterprise motion"
    assert stages_of(response) == ["Qualify", "Prospecting", "Security review"]
    assert response.json["stages"][0]["benchmark_days"] == 30
    assert api.get("/process", orgs["one"].tokens["manager_a"]).json["stages"][2]["name"] == (
        "Security review")


def test_patch_keeps_fields_left_out_and_swaps_names(api, orgs):
    token = orgs["one"].tokens["admin"]
    stages = api.get("/process", token).json["stages"]
    items = [{"id": s["id"]} for s in stages]
    items[0], items[1] = {"id": stages[0]["id"], "name": "Qualification"}, {
        "id": stages[1]["id"], "name": "Prospecting"}
    response = api.patch("/process", token, json={"stages": items})
    assert response.status_code == 200, response.json
    assert stages_of(response)[:2] == ["Qualification", "Prospecting"]
    assert response.json["stages"][0]["benchmark_days"] == 14  # unchanged
    assert api.patch("/process", token, json={"name": "Renamed"}).json["stages"] == (
        response.json["stages"])


def test_only_admins_change_the_process(api, orgs):
    for role in ("rep_a1", "manager_a"):
        response = api.patch("/process", orgs["one"].tokens[role], json={"name": "Mine"})
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"


def test_process_validation_names_the_fields(api, orgs):
    token = orgs["one"].tokens["admin"]
    response = api.put("/process", token, json={"name": "", "stages": [
        {"name": "A", "probability": 120, "benchmark_days": 0}]})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "name" in fields and "probability" in fields["stages"]["0"]
    assert "benchmark_days" in fields["stages"]["0"]
    dup = api.put("/process", token, json={"name": "x", "stages": [{"name": "A"}, {"name": "a"}]})
    assert dup.status_code == 422 and "stages" in dup.json["error"]["fields"]
    unknown = api.patch("/process", token, json={"stages": [{"id": 999999}]})
    assert unknown.status_code == 422 and "stages" in unknown.json["error"]["fields"]
    nameless = api.patch("/process", token, json={"stages": [{"benchmark_days": 3}]})
    assert nameless.json["error"]["fields"] == {"stages": {"0": {"name": ["A new stage needs a name."]}}}
    assert api.put("/process", token, json={"name": "x", "stages": []}).status_code == 422


def test_a_stage_with_open_opportunities_cannot_be_removed(api, orgs, session):
    token = orgs["one"].tokens["admin"]
    stages = api.get("/process", token).json["stages"]
    rep = orgs["one"].users["rep_a1"]
    account = Account(org_id=rep.org_id, owner_id=rep.id, name="Acme")
    session.add(account)
    session.flush()
    session.add(Opportunity(org_id=rep.org_id, account_id=account.id, owner_id=rep.id,
                            stage_id=stages[0]["id"], name="Deal", amount=Decimal("10.00")))
    session.commit()
    response = api.put("/process", token, json={"name": "x", "stages": [
        {"id": s["id"], "name": s["name"]} for s in stages[1:]]})
    assert response.status_code == 409
    assert "open opportunities" in response.json["error"]["message"]
    assert stages_of(api.get("/process", token))[0] == "Prospecting"
