"""Opportunities: amounts as exact strings, stage changes recorded, stalled deals found."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models import Account, Opportunity, SalesProcess, utcnow


def account(api, token, name="Acme"):
    return api.post("/accounts", token, json={"name": name}).json["id"]


def stages(api, token):
    return api.get("/process", token).json["stages"]


def create(api, token, **body):
    body.setdefault("account_id", account(api, token))
    response = api.post("/opportunities", token, json={"name": "Big deal", "amount": "1250.50", **body})
    assert response.status_code == 201, response.json
    return response.json


def test_create_with_defaults_and_derived_fields(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    opp = create(api, token, currency="EUR", close_date="2030-01-31", competitors=["Globex"],
                 milestones_met=["Contact identified"], next_step="Call the CFO")
    assert opp["amount"] == "1250.50" and opp["currency"] == "EUR"
    assert opp["stage"] == "Prospecting" and opp["probability"] == 10
    assert opp["days_in_stage"] == 0 and opp["benchmark_days"] == 14 and opp["stalled"] is False
    assert opp["owner_id"] == orgs["one"].users["rep_a1"].id
    assert opp["close_date"] == "2030-01-31" and opp["competitors"] == ["Globex"]
    assert opp["created_at"].endswith("+00:00")


def test_stage_change_goes_into_history(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    opp = create(api, token)
    proposal = stages(api, token)[3]
    response = api.patch(f"/opportunities/{opp['id']}", token, json={"stage_id": proposal["id"]})
    assert response.status_code == 200
    assert response.json["stage"] == "Proposal" and response.json["probability"] == 60
    history = api.get(f"/opportunities/{opp['id']}/history", token).json
    assert [(h["from_stage"], h["to_stage"]) for h in history["items"]] == [
        (None, "Prospecting"), ("Prospecting", "Proposal")]
    assert history["items"][1]["changed_by_id"] == orgs["one"].users["rep_a1"].id
    assert history["items"][0]["left_at"] == history["items"][1]["changed_at"]
    assert history["items"][1]["left_at"] is None and history["items"][1]["days_in_stage"] == 0
    page = api.get(f"/opportunities/{opp['id']}/history?per_page=1&page=2", token).json
    assert (page["total"], page["pages"], page["items"][0]["to_stage"]) == (2, 2, "Proposal")


def test_history_counts_the_days_spent_in_each_stage(api, orgs, session):
    # Built directly (not through the API) so the request session has not cached it.
    rep = orgs["one"].users["rep_a1"]
    token = orgs["one"].tokens["rep_a1"]
    stage_list = session.scalar(select(SalesProcess).where(SalesProcess.org_id == rep.org_id)).stages
    account = Account(org_id=rep.org_id, owner_id=rep.id, name="Acme")
    session.add(account)
    session.flush()
    row = Opportunity(org_id=rep.org_id, account_id=account.id, owner_id=rep.id, name="Deal",
                      amount=Decimal("10.00"))
    start = utcnow() - timedelta(days=30)
    row.move_to_stage(stage_list[0], rep.id, at=start)
    row.move_to_stage(stage_list[1], None, at=start + timedelta(days=12))
    session.add(row)
    session.commit()
    opp = {"id": row.id}
    items = api.get(f"/opportunities/{opp['id']}/history", token).json["items"]
    assert [(i["to_stage"], i["days_in_stage"]) for i in items] == [
        ("Prospecting", 12), ("Qualification", 18)]
    assert api.get(f"/opportunities/{opp['id']}", token).json["days_in_stage"] == 18


def test_stalled_filter_and_flag(api, orgs, session):
    rep, token = orgs["one"].users["rep_a1"], orgs["one"].tokens["rep_a1"]
    prospecting = session.scalar(select(SalesProcess).where(
        SalesProcess.org_id == rep.org_id)).stages[0]  # benchmark: 14 days
    account = Account(org_id=rep.org_id, owner_id=rep.id, name="Acme")
    session.add(account)
    session.flush()
    for name, days, status in (("Fresh", 14, "open"), ("Old", 15, "open"), ("Won long ago", 15, "won")):
        row = Opportunity(org_id=rep.org_id, account_id=account.id, owner_id=rep.id, name=name,
                          amount=Decimal("10.00"), status=status)
        row.move_to_stage(prospecting, rep.id, at=utcnow() - timedelta(days=days, minutes=1))
        session.add(row)
    session.commit()
    listed = api.get("/opportunities?stalled=true", token).json["items"]
    assert [o["name"] for o in listed] == ["Old"]
    assert listed[0]["stalled"] is True and listed[0]["days_in_stage"] == 15
    not_stalled = api.get("/opportunities?stalled=false", token).json["items"]
    assert {o["name"]: o["stalled"] for o in not_stalled} == {"Fresh": False, "Won long ago": False}


def test_list_filters(api, orgs):
    one = orgs["one"]
    a1, a2 = one.tokens["rep_a1"], one.tokens["rep_a2"]
    first = create(api, a1, name="One")
    create(api, a1, name="Two", status="lost", account_id=first["account_id"])
    create(api, a2, name="Three", stage_id=stages(api, a2)[2]["id"])
    admin = one.tokens["admin"]

    def names(query):
        return [o["name"] for o in api.get(f"/opportunities?{query}", admin).json["items"]]

    assert names(f"rep_id={one.users['rep_a2'].id}") == ["Three"]
    assert names(f"account_id={first['account_id']}") == ["One", "Two"]
    assert names("status=lost") == ["Two"]
    assert names(f"stage_id={stages(api, a2)[2]['id']}") == ["Three"]
    assert names("") == ["One", "Two", "Three"]
    assert [o["name"] for o in api.get("/opportunities", a2).json["items"]] == ["Three"]


def test_validation_messages_per_field(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    response = api.post("/opportunities", token, json={
        "account_id": account(api, token), "name": "x", "amount": "12.345x", "currency": "euro",
        "probability": 101, "status": "maybe", "close_date": "31/01/2030"})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"amount", "currency", "probability", "status", "close_date"}
    assert fields["currency"] == ["Use a three-letter ISO 4217 code such as USD."]
    assert api.post("/opportunities", token, json={}).json["error"]["fields"].keys() >= {
        "account_id", "name", "amount"}
    as_number = api.post("/opportunities", token, json={
        "account_id": account(api, token), "name": "x", "amount": 12.5})
    assert as_number.status_code == 422 and "as a string" in as_number.json["error"]["fields"]["amount"][0]


def test_foreign_stage_account_and_milestone_are_refused(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    other_stage = stages(api, orgs["two"].tokens["rep_a1"])[0]["id"]
    opp = create(api, token)
    response = api.patch(f"/opportunities/{opp['id']}", token, json={"stage_id": other_stage})
    assert response.status_code == 422 and "stage_id" in response.json["error"]["fields"]
    foreign_account = account(api, orgs["one"].tokens["rep_a2"])
    response = api.post("/opportunities", token, json={
        "account_id": foreign_account, "name": "x", "amount": "1"})
    assert response.status_code == 422 and "account_id" in response.json["error"]["fields"]
    response = api.patch(f"/opportunities/{opp['id']}", token, json={"milestones_met": ["Made up"]})
    assert response.status_code == 422 and "milestones_met" in response.json["error"]["fields"]


def test_access_read_write_and_missing(api, orgs):
    one = orgs["one"]
    opp = create(api, one.tokens["rep_a1"])
    url = f"/opportunities/{opp['id']}"
    assert api.get(url, one.tokens["manager_a"]).json["name"] == "Big deal"
    assert api.patch(url, one.tokens["manager_a"], json={"name": "x"}).status_code == 403
    assert api.get(url, one.tokens["manager_b"]).status_code == 404
    assert api.get(url + "/history", one.tokens["rep_a2"]).status_code == 404
    assert api.get(url, orgs["two"].tokens["admin"]).status_code == 404
    response = api.patch(url, one.tokens["admin"], json={"amount": "99.99", "next_step": "Demo"})
    assert response.json["amount"] == "99.99" and response.json["next_step"] == "Demo"
    assert api.delete(url, one.tokens["rep_a1"]).status_code == 204
    assert api.get(url, one.tokens["rep_a1"]).status_code == 404
    assert api.get("/opportunities/424242/history", one.tokens["admin"]).status_code == 404


def test_manager_cannot_create_for_a_team_rep(api, orgs):
    one = orgs["one"]
    account_id = account(api, one.tokens["rep_a1"])
    response = api.post("/opportunities", one.tokens["manager_a"], json={
        "account_id": account_id, "name": "x", "amount": "1"})
    assert response.status_code == 403
    response = api.post("/opportunities", one.tokens["admin"], json={
        "account_id": account_id, "name": "x", "amount": "1"})
    assert response.status_code == 201 and response.json["owner_id"] == one.users["rep_a1"].id
