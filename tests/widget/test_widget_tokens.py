"""Widget tokens: minted server to server, short-lived, bound to one user and one origin."""

import time

from itsdangerous.timed import TimestampSigner

from tests.widget.conftest import ORIGIN


def mint(api, token, origin=ORIGIN, **who):
    return api.post("/api/v1/widget/tokens", token, json={"origin": origin, **who})


def me(api, widget_token, origin=ORIGIN):
    return api.get("/me", widget_token, headers={"Origin": origin})


def test_admin_mints_a_token_that_works_from_its_origin(api, allowed):
    rep = allowed["one"].users["rep_a1"]
    response = mint(api, allowed["one"].tokens["admin"], user_id=rep.id)
    assert response.status_code == 201
    body = response.json
    assert body["user_id"] == rep.id and body["origin"] == ORIGIN
    assert body["expires_in"] == 15 * 60 and body["expires_at"].endswith("+00:00")
    assert me(api, body["token"]).json["email"] == "rep_a1@one.test"


def test_a_user_mints_a_token_for_themselves_by_email(api, allowed):
    response = mint(api, allowed["one"].tokens["rep_a1"], email="REP_A1@one.test")
    assert response.status_code == 201
    assert me(api, response.json["token"]).json["email"] == "rep_a1@one.test"


def test_a_rep_cannot_mint_for_someone_else(api, allowed):
    other = allowed["one"].users["rep_a2"]
    response = mint(api, allowed["one"].tokens["rep_a1"], user_id=other.id)
    assert response.status_code == 404


def test_another_organizations_user_is_not_found(api, allowed):
    stranger = allowed["two"].users["rep_b1"]
    response = mint(api, allowed["one"].tokens["admin"], user_id=stranger.id)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_an_origin_not_in_the_list_is_refused(api, allowed):
    rep = allowed["one"].users["rep_a1"]
    response = mint(api, allowed["one"].tokens["admin"], origin="https://evil.test", user_id=rep.id)
    assert response.status_code == 422
    assert "origin" in response.json["error"]["fields"]


def test_user_id_or_email_is_required(api, allowed):
    response = mint(api, allowed["one"].tokens["admin"])
    assert response.status_code == 422
    assert "user_id" in response.json["error"]["fields"]


def test_a_token_used_from_another_origin_is_forbidden(api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], user_id=allowed["one"].users["rep_a1"].id)
    response = me(api, token.json["token"], origin="https://evil.test")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert me(api, token.json["token"], origin="").status_code == 403  # no origin at all


def test_a_same_origin_get_is_recognised_by_its_referer(api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    response = api.get("/me", token, headers={"Referer": ORIGIN + "/pipeline?x=1"})
    assert response.status_code == 200


def test_an_expired_token_answers_401(api, allowed, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 16 * 60)
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = me(api, token)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_the_lifetime_is_configurable(app, api, allowed):
    app.config["WIDGET_TOKEN_TTL"] = 120
    response = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test")
    assert response.json["expires_in"] == 120


def test_a_tampered_token_answers_401(api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    body, _, signature = token.rpartition(".")
    tampered = body + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert me(api, tampered).status_code == 401
    assert me(api, "wt_not-a-token").status_code == 401


def test_a_token_signed_with_another_key_answers_401(app, api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    app.config["SECRET_KEY"] = "another-key"
    assert me(api, token).status_code == 401


def test_removing_the_origin_revokes_its_tokens(api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    api.put("/api/v1/widget/origins", allowed["one"].tokens["admin"], json={"origins": []})
    assert me(api, token).status_code == 401


def test_a_widget_token_cannot_mint_another(api, allowed):
    token = mint(api, allowed["one"].tokens["rep_a1"], email="rep_a1@one.test").json["token"]
    response = api.post("/api/v1/widget/tokens", token, json={"origin": ORIGIN, "email": "rep_a1@one.test"},
                        headers={"Origin": ORIGIN})
    assert response.status_code == 403


def test_admins_read_and_replace_the_allowed_origins(api, allowed):
    admin = allowed["one"].tokens["admin"]
    assert api.get("/api/v1/widget/origins", admin).json == {"origins": [ORIGIN]}
    response = api.put("/api/v1/widget/origins", admin,
                       json={"origins": ["https://CRM.acme.test/", "http://localhost:5000"]})
    assert response.status_code == 200
    assert response.json == {"origins": ["https://crm.acme.test", "http://localhost:5000"]}
    assert api.get("/api/v1/widget/origins", allowed["two"].tokens["admin"]).json == {"origins": []}


def test_origins_must_be_origins(api, allowed):
    response = api.put("/api/v1/widget/origins", allowed["one"].tokens["admin"],
                       json={"origins": ["https://ok.test", "crm.acme.test/path"]})
    assert response.status_code == 422
    assert "origins" in response.json["error"]["fields"]


def test_only_admins_manage_origins(api, allowed):
    assert api.get("/api/v1/widget/origins", allowed["one"].tokens["manager_a"]).status_code == 403
    response = api.put("/api/v1/widget/origins", allowed["one"].tokens["rep_a1"], json={"origins": []})
    assert response.status_code == 403
