"""API tokens: shown once, stored hashed, revocable, and their last use visible to admins."""

from datetime import timedelta

from models import ApiToken, utcnow


def test_a_new_token_is_shown_once_and_works(api, orgs):
    admin = orgs["one"].tokens["admin"]
    created = api.post("/tokens", admin, json={"name": "CRM sync"})
    assert created.status_code == 201
    plain = created.json["token"]
    assert api.get("/me", plain).json["email"] == "admin@one.test"
    listed = api.get("/tokens?per_page=100", admin).json["items"]
    assert all("token" not in t for t in listed)


def test_last_use_is_recorded_but_not_rewritten_on_every_request(api, orgs, session):
    rep = orgs["one"].tokens["rep_a1"]
    assert api.get("/me", rep).status_code == 200
    row = session.query(ApiToken).filter(ApiToken.prefix == rep[:10]).one()
    first = row.last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    api.get("/me", rep)
    session.refresh(row)
    assert row.last_used_at == first  # within five minutes: no second write
    row.last_used_at = utcnow() - timedelta(hours=1)
    session.commit()
    api.get("/me", rep)
    session.refresh(row)
    assert utcnow() - row.last_used_at < timedelta(minutes=1)


def test_a_revoked_token_stops_working_at_once(api, orgs):
    admin = orgs["one"].tokens["admin"]
    created = api.post("/tokens", admin, json={"name": "old"}).json
    assert api.delete(f"/tokens/{created['id']}", admin).status_code == 204
    response = api.get("/me", created["token"])
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
