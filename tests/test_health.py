def test_healthz_reports_database_ok(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_me_needs_a_token(api):
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_answers_who_the_token_belongs_to(api, orgs):
    response = api.get("/me", orgs["one"].tokens["rep_a1"])
    assert response.status_code == 200
    assert response.json["email"] == "rep_a1@one.test"
    assert response.json["role"] == "rep"
    assert response.json["organization"]["name"] == "One Corp"
