"""A user's locale: the language their sessions start in, set by an admin or by themselves."""


def test_an_admin_sets_a_users_locale_and_the_user_sees_it_in_me(api, world, orgs):
    admin = orgs["one"].tokens["admin"]
    assert api.get("/me", world.token).get_json()["locale"] == ""  # not set: read from the rep
    changed = api.patch(f"/users/{world.rep.id}", admin, json={"locale": "es"})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "es"
    assert api.get("/me", world.token).get_json()["locale"] == "es"
    assert api.get(f"/users/{world.rep.id}", admin).get_json()["locale"] == "es"


def test_a_user_sets_their_own_locale_and_time_zone(api, world):
    changed = api.patch("/me", world.token, json={"locale": "de", "time_zone": "Europe/Berlin"})
    assert changed.status_code == 200
    me = api.get("/me", world.token).get_json()
    assert (me["locale"], me["time_zone"]) == ("de", "Europe/Berlin")
    assert api.patch("/me", world.token, json={"locale": ""}).get_json()["locale"] == ""
    assert api.get("/me", world.token).get_json()["time_zone"] == "Europe/Berlin"


def test_an_unknown_locale_is_refused(api, world, orgs):
    for caller, path in ((orgs["one"].tokens["admin"], f"/users/{world.rep.id}"),
                         (world.token, "/me")):
        refused = api.patch(path, caller, json={"locale": "xx"})
        assert refused.status_code == 422
        assert "en, es" in refused.get_json()["error"]["fields"]["locale"][0]
    assert api.get("/me", world.token).get_json()["locale"] == ""
