"""Accounts: reps own them, managers read their teams', admins act for anyone in the org."""


def make(api, token, **body):
    response = api.post("/accounts", token, json={"name": "Acme", **body})
    assert response.status_code == 201, response.json
    return response.json


def test_rep_creates_and_reads_own_account(api, orgs):
    rep = orgs["one"].users["rep_a1"]
    token = orgs["one"].tokens["rep_a1"]
    created = make(api, token, segment="Enterprise", territory="North")
    assert created["owner_id"] == rep.id and created["segment"] == "Enterprise"
    assert api.get(f"/accounts/{created['id']}", token).json["name"] == "Acme"


def test_list_filters_by_rep_segment_territory_and_name(api, orgs):
    one = orgs["one"]
    make(api, one.tokens["rep_a1"], name="Acme Corp", segment="SMB", territory="North")
    make(api, one.tokens["rep_a1"], name="Globex", segment="Enterprise", territory="South")
    make(api, one.tokens["rep_a2"], name="Initech", segment="SMB", territory="North")
    admin = one.tokens["admin"]

    def names(query, token=admin):
        response = api.get(f"/accounts?{query}", token)
        assert response.status_code == 200
        return [a["name"] for a in response.json["items"]]

    assert names("segment=SMB") == ["Acme Corp", "Initech"]
    assert names("territory=South") == ["Globex"]
    assert names(f"rep_id={one.users['rep_a2'].id}") == ["Initech"]
    assert names("q=CME") == ["Acme Corp"]
    assert names("q=%25") == []  # a literal percent sign, not a wildcard
    assert names("", one.tokens["rep_a1"]) == ["Acme Corp", "Globex"]
    assert names("", one.tokens["manager_a"]) == ["Acme Corp", "Globex", "Initech"]
    assert names("", one.tokens["manager_b"]) == []
    page = api.get("/accounts?per_page=2&page=2", admin).json
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)


def test_admin_creates_for_a_rep_and_rep_cannot(api, orgs):
    one = orgs["one"]
    rep_id = one.users["rep_a1"].id
    assert make(api, one.tokens["admin"], owner_id=rep_id)["owner_id"] == rep_id
    response = api.post("/accounts", one.tokens["rep_a2"], json={"name": "X", "owner_id": rep_id})
    assert response.status_code == 403
    other_org = orgs["two"].users["rep_a1"].id
    response = api.post("/accounts", one.tokens["admin"], json={"name": "X", "owner_id": other_org})
    assert response.status_code == 422 and "owner_id" in response.json["error"]["fields"]


def test_manager_reads_but_cannot_change_team_accounts(api, orgs):
    one = orgs["one"]
    account = make(api, one.tokens["rep_a1"])
    url = f"/accounts/{account['id']}"
    assert api.get(url, one.tokens["manager_a"]).status_code == 200
    response = api.patch(url, one.tokens["manager_a"], json={"name": "Mine"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert api.delete(url, one.tokens["manager_a"]).status_code == 403
    assert api.get(url, one.tokens["manager_b"]).status_code == 404
    assert api.get(url, one.tokens["rep_a2"]).status_code == 404


def test_patch_and_delete(api, orgs):
    one = orgs["one"]
    account = make(api, one.tokens["rep_a1"])
    url = f"/accounts/{account['id']}"
    response = api.patch(url, one.tokens["rep_a1"], json={"territory": "West"})
    assert response.status_code == 200 and response.json["territory"] == "West"
    moved = api.patch(url, one.tokens["admin"], json={"owner_id": one.users["rep_a2"].id})
    assert moved.json["owner_id"] == one.users["rep_a2"].id
    assert api.delete(url, one.tokens["rep_a2"]).status_code == 204
    assert api.get(url, one.tokens["admin"]).status_code == 404


def test_account_with_opportunities_cannot_be_deleted(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    account = make(api, token)
    api.post("/opportunities", token, json={"account_id": account["id"], "name": "D", "amount": "5"})
    response = api.delete(f"/accounts/{account['id']}", token)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


def test_account_validation_and_missing(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    response = api.post("/accounts", token, json={"name": "", "segment": "x" * 101, "bogus": 1})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name", "segment", "bogus"}
    assert api.post("/accounts", token, json={}).json["error"]["fields"]["name"] == [
        "Missing data for required field."]
    assert api.get("/accounts/999999", token).status_code == 404
    assert api.patch("/accounts/999999", token, json={}).json["error"]["code"] == "not_found"
    assert api.get("/accounts?rep_id=abc", token).json["error"]["fields"] == {
        "rep_id": ["Not a valid integer."]}
