"""SCIM Groups are teams: create, filter by displayName, PUT, PATCH members, DELETE."""

from sqlalchemy import select

from models import Team, User

from .conftest import new_user

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def group(name, *member_ids, **extra):
    return {"schemas": [GROUP], "displayName": name,
            "members": [{"value": str(i)} for i in member_ids], **extra}


def user_id(scim, user_name):
    return int(scim.post("/Users", new_user(user_name)).json["id"])


def team_of(session, uid):
    session.expire_all()
    user = session.get(User, uid)
    return user.team.name if user.team else None


def test_a_group_is_a_team_and_its_members_are_the_teams(scim, session, orgs):
    ana, bob = user_id(scim, "ana@acme.com"), user_id(scim, "bob@acme.com")
    created = scim.post("/Groups", group("Enterprise", ana, bob, externalId="g-1"))
    assert created.status_code == 201, created.text
    team = session.get(Team, int(created.json["id"]))
    assert (team.org_id, team.name) == (orgs["one"].id, "Enterprise")
    assert {m["value"] for m in created.json["members"]} == {str(ana), str(bob)}
    assert team_of(session, ana) == "Enterprise"
    assert scim.get(f"/Users/{ana}").json["groups"][0]["value"] == str(team.id)
    again = scim.post("/Groups", group("enterprise"))
    assert again.status_code == 409 and again.json["scimType"] == "uniqueness"


def test_groups_filter_by_display_name(scim, orgs):
    listed = scim.get('/Groups?filter=displayName eq "team a"').json
    assert [r["id"] for r in listed["Resources"]] == [str(orgs["one"].teams["A"].id)]
    assert scim.get('/Groups?filter=displayName eq "Nobody"').json["totalResults"] == 0
    assert scim.get("/Groups").json["totalResults"] == 2


def test_patch_adds_and_removes_members_and_put_replaces_them(scim, session, orgs):
    ana, bob = user_id(scim, "ana@acme.com"), user_id(scim, "bob@acme.com")
    team_a = orgs["one"].teams["A"].id
    path = f"/Groups/{team_a}"
    added = scim.patch(path, {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(ana)}, {"value": str(bob)}]}]})
    assert added.status_code == 200, added.text
    assert (team_of(session, ana), team_of(session, bob)) == ("Team A", "Team A")
    removed = scim.patch(path, {"schemas": [PATCH], "Operations": [
        {"op": "remove", "path": f'members[value eq "{ana}"]'}]})
    assert removed.status_code == 200, removed.text
    assert (team_of(session, ana), team_of(session, bob)) == (None, "Team A")
    # joining another team leaves the first one: a user is in one team
    scim.patch(f"/Groups/{orgs['one'].teams['B'].id}", {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(bob)}]}]})
    assert team_of(session, bob) == "Team B"
    replaced = scim.put(path, group("Team Alpha", ana))
    assert replaced.json["displayName"] == "Team Alpha"
    assert [m["value"] for m in replaced.json["members"]] == [str(ana)]
    rep_a1 = orgs["one"].users["rep_a1"].id  # was in Team A, not in the PUT: leaves it
    assert (team_of(session, ana), team_of(session, rep_a1)) == ("Team Alpha", None)


def test_a_member_of_another_organization_is_refused(scim, orgs):
    outsider = orgs["two"].users["rep_a1"].id
    response = scim.post("/Groups", group("Mixed", outsider))
    assert response.status_code == 400 and "no user of this organization" in response.json["detail"]
    assert scim.get(f"/Groups/{orgs['two'].teams['A'].id}").status_code == 404


def test_delete_removes_the_team_and_keeps_its_members(scim, session, orgs):
    team_a = orgs["one"].teams["A"].id
    rep = orgs["one"].users["rep_a1"].id
    assert scim.delete(f"/Groups/{team_a}").status_code == 204
    assert scim.get(f"/Groups/{team_a}").status_code == 404
    session.expire_all()
    assert session.scalar(select(Team.id).where(Team.id == team_a)) is None
    assert session.get(User, rep).active is True and session.get(User, rep).team_id is None


def test_groups_filter_by_external_id(scim):
    created = scim.post("/Groups", group("Field", externalId="grp-9")).json
    found = scim.get('/Groups?filter=externalId eq "grp-9"').json
    assert [r["id"] for r in found["Resources"]] == [created["id"]]


def test_okta_renames_with_its_id_in_the_value_and_entra_removes_members_by_value(scim, session):
    ana, bob = user_id(scim, "ana@acme.com"), user_id(scim, "bob@acme.com")
    created = scim.post("/Groups", group("Field", ana, bob)).json
    path = f"/Groups/{created['id']}"
    okta = scim.patch(path, {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"id": created["id"], "displayName": "Field Sales"}}]})
    assert okta.status_code == 200, okta.text
    assert okta.json["displayName"] == "Field Sales"
    entra = scim.patch(path, {"schemas": [PATCH], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"value": str(ana)}]}]})
    assert entra.status_code == 200, entra.text
    assert (team_of(session, ana), team_of(session, bob)) == (None, "Field Sales")
