"""KPI snapshots: one per rep and period, each showing its change on the previous period."""

from sqlalchemy import event


def post(api, token, **body):
    return api.post("/kpis", token, json={"period_type": "month", **body})


def test_create_and_change_against_previous_period(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    first = post(api, token, period_start="2024-01-01", closed_value="40000.00", deals_closed=4,
                 quota="50000")
    assert first.status_code == 201, first.json
    assert first.json["change"] is None and first.json["previous_period_start"] is None
    assert first.json["quota"] == "50000.00"
    second = post(api, token, period_start="2024-02-01", closed_value="38000.00", deals_closed=5)
    change = second.json["change"]
    assert second.json["previous_period_start"] == "2024-01-01"
    assert change["closed_value"] == {"absolute": "-2000.00", "percent": -5.0}
    assert change["deals_closed"] == {"absolute": 1, "percent": 25.0}
    assert change["proposals"] == {"absolute": 0, "percent": None}  # nothing to compare with


def test_list_is_newest_first_and_filters(api, orgs):
    one = orgs["one"]
    for month in ("01", "02", "03"):
        post(api, one.tokens["rep_a1"], period_start=f"2024-{month}-01", closed_value="100")
    post(api, one.tokens["rep_a1"], period_type="week", period_start="2024-02-05")
    post(api, one.tokens["rep_a2"], period_start="2024-03-01")
    admin = one.tokens["admin"]

    def starts(query):
        response = api.get(f"/kpis?{query}", admin)
        assert response.status_code == 200, response.json
        return [(k["period_type"], k["period_start"]) for k in response.json["items"]]

    rep = one.users["rep_a1"].id
    assert starts(f"rep_id={rep}&period_type=month") == [
        ("month", "2024-03-01"), ("month", "2024-02-01"), ("month", "2024-01-01")]
    assert starts(f"rep_id={rep}&period_type=week") == [("week", "2024-02-05")]
    assert starts(f"rep_id={rep}&period_type=month&from=2024-02-01&to=2024-02-28") == [
        ("month", "2024-02-01")]
    # The window is the rep's own series, even when the page or the dates cut it.
    filtered = api.get(f"/kpis?rep_id={rep}&from=2024-02-01&to=2024-02-28&period_type=month",
                       admin).json["items"][0]
    assert filtered["previous_period_start"] == "2024-01-01"
    page = api.get(f"/kpis?rep_id={rep}&period_type=month&per_page=1&page=2", admin).json
    assert page["items"][0]["previous_period_start"] == "2024-01-01" and page["total"] == 3
    assert len(starts("")) == 5
    assert len(api.get("/kpis", one.tokens["rep_a2"]).json["items"]) == 1
    assert api.get("/kpis", one.tokens["manager_b"]).json["items"] == []


def test_list_uses_a_constant_number_of_queries(app, api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    for month in range(1, 13):
        post(api, token, period_start=f"2023-{month:02d}-01", closed_value=str(month * 100))
    statements = []
    engine = app.extensions["db"]["engine"]

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        few = api.get("/kpis?per_page=2", token)
        n_few = len(statements)
        statements.clear()
        many = api.get("/kpis?per_page=12", token)
        assert len(statements) == n_few
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(few.json["items"]) == 2 and len(many.json["items"]) == 12
    assert many.json["items"][0]["change"]["closed_value"] == {"absolute": "100.00", "percent": 9.1}


def test_duplicate_period_is_a_conflict(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    assert post(api, token, period_start="2024-01-01").status_code == 201
    response = post(api, token, period_start="2024-01-01")
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    other = post(api, token, period_start="2024-02-01").json
    response = api.patch(f"/kpis/{other['id']}", token, json={"period_start": "2024-01-01"})
    assert response.status_code == 409


def test_validation_messages(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    response = post(api, token, period_type="year", period_start="soon", proposals=-1,
                    closed_value="abc", currency="usd")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "period_type", "period_start", "proposals", "closed_value", "currency"}
    assert post(api, token, period_start="2024-01-15").json["error"]["fields"] == {
        "period_start": ["A month starts on the 1st."]}
    week = post(api, token, period_type="week", period_start="2024-01-03")
    assert week.json["error"]["fields"] == {"period_start": ["A week starts on a Monday."]}
    assert api.get("/kpis?from=yesterday", token).json["error"]["fields"] == {
        "from": ["Not a valid date."]}


def test_access_and_writes(api, orgs):
    one = orgs["one"]
    snapshot = post(api, one.tokens["rep_a1"], period_start="2024-01-01").json
    url = f"/kpis/{snapshot['id']}"
    assert api.get(url, one.tokens["manager_a"]).status_code == 200
    assert api.patch(url, one.tokens["manager_a"], json={"proposals": 3}).status_code == 403
    assert api.get(url, one.tokens["rep_a2"]).status_code == 404
    assert api.get(url, orgs["two"].tokens["admin"]).status_code == 404
    assert post(api, one.tokens["rep_a2"], period_start="2024-01-01",
                rep_id=one.users["rep_a1"].id).status_code == 403
    by_admin = post(api, one.tokens["admin"], period_start="2024-02-01", rep_id=one.users["rep_a1"].id)
    assert by_admin.status_code == 201 and by_admin.json["previous_period_start"] == "2024-01-01"
    patched = api.patch(url, one.tokens["rep_a1"], json={"proposals": 3, "pipeline_value": "10.10"})
    assert patched.json["proposals"] == 3 and patched.json["pipeline_value"] == "10.10"
    assert api.delete(url, one.tokens["admin"]).status_code == 204
    assert api.get(url, one.tokens["rep_a1"]).status_code == 404
    assert api.get("/kpis/999999", one.tokens["admin"]).json["error"]["code"] == "not_found"
