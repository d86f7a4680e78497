"""SCIM Users: create, uniqueness, filters, pagination, PUT, PATCH, deactivation, isolation."""

from sqlalchemy import select

from models import CoachingSession, ScimLink, User
from service.scim import issue_scim_token

from .conftest import new_user

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def create(scim, user_name, email=None, **extra):
    response = scim.post("/Users", new_user(user_name, email, **extra))
    assert response.status_code == 201, response.text
    return response.json


def ops(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


def test_a_created_user_is_stored_in_the_tokens_organization_with_its_external_id(scim, session, orgs):
    body = create(scim, "ana@acme.com", externalId="okta-1", displayName="Ana Ruiz", active=True,
                  name={"givenName": "Ana", "familyName": "Ruiz"})
    assert body["userName"] == "ana@acme.com" and body["externalId"] == "okta-1"
    assert body["active"] is True and body["meta"]["location"].endswith(f"/Users/{body['id']}")
    user = session.get(User, int(body["id"]))
    assert (user.org_id, user.email, user.name, user.role, user.active) == (
        orgs["one"].id, "ana@acme.com",
        "Ana Ruiz", "rep", True)
    link = session.scalar(select(ScimLink).where(ScimLink.local_id == user.id))
    assert link.external_id == "okta-1"
    assert scim.get(f"/Users/{body['id']}").json["name"] == {"givenName": "Ana", "familyName": "Ruiz"}


def test_a_taken_user_name_or_email_is_a_409_uniqueness_error_in_scims_shape(scim, session, orgs):
    create(scim, "ana@acme.com")
    again = scim.post("/Users", new_user("ANA@acme.com", "other@acme.com"))
    assert again.status_code == 409 and again.mimetype == "application/scim+json"
    assert again.json["schemas"] == [ERROR] and again.json["status"] == "409"
    assert again.json["scimType"] == "uniqueness"
    # an address already used by a user made outside SCIM clashes too
    session.add(User(org_id=orgs["one"].id, role="manager", name="Carla", email="carla@acme.com"))
    session.commit()
    clash = scim.post("/Users", new_user("someone", "Carla@acme.com"))
    assert clash.status_code == 409 and "carla@acme.com" in clash.json["detail"].lower()


def test_filters_on_user_name_email_external_id_active_and_combinations(scim):
    ana = create(scim, "ana@acme.com", externalId="x-1")
    bob = create(scim, "bob@acme.com", externalId="x-2")
    scim.patch(f"/Users/{bob['id']}", ops({"op": "replace", "path": "active", "value": False}))

    def ids(expression):
        response = scim.get(f"/Users?filter={expression}")
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json.get("Resources", [])}

    assert ids('userName eq "ANA@acme.com"') == {ana["id"]}
    assert ids('emails.value eq "bob@acme.com"') == {bob["id"]}
    assert ids('externalId eq "x-2"') == {bob["id"]}
    assert ids('active eq false') == {bob["id"]}
    assert ids('userName sw "ana" or externalId eq "x-2"') == {ana["id"], bob["id"]}
    assert ids('userName co "@acme" and active eq true') == {ana["id"]}
    assert ids('userName eq "nobody@acme.com"') == set()
    bad = scim.get('/Users?filter=userName eq')
    assert bad.status_code == 400 and bad.json["scimType"] == "invalidFilter"


def test_start_index_and_count_page_the_list(scim, orgs):
    for n in range(5):
        create(scim, f"p{n}@acme.com")
    everyone = scim.get("/Users").json
    assert everyone["totalResults"] == 6 + 5  # build_org's six users and the five
    page = scim.get("/Users?startIndex=3&count=2").json
    assert (page["startIndex"], page["itemsPerPage"], page["totalResults"]) == (3, 2, 11)
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in everyone["Resources"][2:4]]
    assert "Resources" not in scim.get("/Users?count=0").json


def test_put_replaces_the_user_and_keeps_its_id(scim, session):
    ana = create(scim, "ana@acme.com")
    response = scim.put(f"/Users/{ana['id']}", new_user("ana.ruiz@acme.com", displayName="Ana R."))
    assert response.status_code == 200 and response.json["userName"] == "ana.ruiz@acme.com"
    user = session.get(User, int(ana["id"]))
    session.refresh(user)
    assert (user.email, user.name) == ("ana.ruiz@acme.com", "Ana R.")


def test_patch_add_replace_remove(scim):
    ana = create(scim, "ana@acme.com")
    path = f"/Users/{ana['id']}"
    assert scim.patch(path, ops({"op": "add", "path": "displayName", "value": "Ana"})).json[
        "displayName"] == "Ana"
    replaced = scim.patch(path, ops({"op": "replace", "value": {"name": {"givenName": "Ana"}}}))
    assert replaced.json["name"] == {"givenName": "Ana"}
    removed = scim.patch(path, ops({"op": "remove", "path": "displayName"}))
    assert "displayName" not in removed.json
    assert scim.get(path).json["userName"] == "ana@acme.com"


def test_active_false_deactivates_and_delete_hides_but_deletes_nothing(scim, session):
    rep = session.get(User, int(create(scim, "rep@acme.com", active=True)["id"]))
    session.add(CoachingSession(org_id=rep.org_id, rep_id=rep.id, mode="deal_review"))
    session.commit()
    off = scim.patch(f"/Users/{rep.id}", ops({"op": "replace", "path": "active", "value": False}))
    assert off.status_code == 200 and off.json["active"] is False
    session.refresh(rep)
    assert rep.active is False
    assert scim.delete(f"/Users/{rep.id}").status_code == 204
    assert scim.get(f"/Users/{rep.id}").status_code == 404
    session.expire_all()
    assert session.get(User, rep.id).active is False
    assert session.scalar(select(CoachingSession).where(CoachingSession.rep_id == rep.id))
    # provisioned again under the same email: the same user comes back, active
    back = scim.post("/Users", new_user("rep@acme.com"))
    assert back.status_code == 201 and back.json["id"] == str(rep.id)
    session.expire_all()
    assert session.get(User, rep.id).active is True


def test_a_token_never_sees_another_organizations_users(scim, session, orgs, scim_tokens):
    theirs_id = scim.post("/Users", new_user("x@acme.com"), token=scim_tokens["two"]).json["id"]
    for other in (theirs_id, orgs["two"].users["rep_a1"].id):
        assert scim.get(f"/Users/{other}").status_code == 404
        assert scim.put(f"/Users/{other}", new_user("y@acme.com")).status_code == 404
        assert scim.patch(f"/Users/{other}", ops({"op": "replace", "path": "active",
                                                  "value": False})).status_code == 404
        assert scim.delete(f"/Users/{other}").status_code == 404
    assert scim.get('/Users?filter=userName eq "x@acme.com"').json["totalResults"] == 0
    # the same address may exist in each organization
    assert scim.post("/Users", new_user("x@acme.com")).status_code == 201
    theirs = scim.get("/Users", token=scim_tokens["two"]).json
    assert {r["userName"] for r in theirs["Resources"]} == {
        u.email for u in orgs["two"].users.values()} | {"x@acme.com"}
    session.expire_all()
    assert session.get(User, orgs["two"].users["rep_a1"].id).active is True  # the PATCH missed it


def test_no_or_a_revoked_token_is_a_401_in_scims_shape(scim, session, orgs):
    token, plain = issue_scim_token(session, orgs["one"].admin)
    session.commit()
    assert scim.get("/Users", token=plain).status_code == 200
    from service.scim import revoke_scim_token
    assert revoke_scim_token(session, orgs["one"].admin, token.id)
    session.commit()
    refused = scim.get("/Users", token=plain)
    assert refused.status_code == 401 and refused.json["schemas"] == [ERROR]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert scim.get("/Users", token="sc_not-a-scim-token").status_code == 401


def test_an_unknown_path_is_a_scim_404(scim):
    response = scim.get("/Nothing/here/at/all")
    assert response.status_code == 404 and response.json["schemas"] == [ERROR]


def test_entra_and_okta_style_requests(scim, session):
    """Entra ID capitalizes ops and sends booleans as strings; Okta replaces without a path."""
    ana = create(scim, "ana@acme.com", active=True)
    entra = scim.patch(f"/Users/{ana['id']}", ops(
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "displayName", "value": "Ana R"}))
    assert entra.status_code == 200, entra.text
    assert (entra.json["active"], entra.json["displayName"]) == (False, "Ana R")
    okta = scim.patch(f"/Users/{ana['id']}", ops({"op": "replace", "value": {"active": True}}))
    assert okta.status_code == 200 and okta.json["active"] is True
    session.expire_all()
    assert session.get(User, int(ana["id"])).active is True


def test_scim_default_role_sets_the_role_of_a_provisioned_user(app, scim, session):
    app.config["SCIM_DEFAULT_ROLE"] = "manager"
    created = create(scim, "lead@acme.com")
    assert session.get(User, int(created["id"])).role == "manager"


def test_a_user_name_that_is_not_the_email_is_found_by_itself_only(scim):
    seven = create(scim, "okta-id-7", "seven@acme.com", externalId="ext-7")
    assert scim.get('/Users?filter=userName eq "OKTA-id-7"').json["Resources"][0]["id"] == seven["id"]
    assert scim.get('/Users?filter=userName eq "seven@acme.com"').json["totalResults"] == 0
    assert scim.get('/Users?filter=emails eq "seven@acme.com"').json["totalResults"] == 1
    assert scim.get('/Users?filter=externalId eq "ext-7"').json["totalResults"] == 1
    assert scim.get('/Users?filter=externalId eq "EXT-7"').json["totalResults"] == 0  # caseExact


def test_entra_extension_attributes_and_work_email_path_are_accepted(scim, session):
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    body = new_user("eve@acme.com", active=True, **{enterprise: {"department": "Sales"}})
    body["schemas"].append(enterprise)
    body["emails"][0]["type"] = "work"  # as Entra maps `mail`
    created = scim.post("/Users", body)
    assert created.status_code == 201, created.text
    moved = scim.patch(f"/Users/{created.json['id']}", ops(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "eve.w@acme.com"},
        {"op": "Replace", "path": f"{enterprise}:department", "value": "Field"}))
    assert moved.status_code == 200, moved.text
    session.expire_all()
    assert session.get(User, int(created.json["id"])).email == "eve.w@acme.com"
    assert moved.json["emails"] == [{"value": "eve.w@acme.com", "type": "work", "primary": True}]
