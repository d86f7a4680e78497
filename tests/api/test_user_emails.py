"""An email is unique within one organization: another organization can neither see nor reserve it."""

from sqlalchemy import select

from models import User
from service.demo import demo_admin, load_demo
from tests.widget.conftest import ORIGIN

ANNA = "anna@x.test"


def new_user(api, org, email, role="rep"):
    return api.post("/users", org.tokens["admin"], json={"name": "Anna", "email": email, "role": role})


def test_two_organizations_each_have_their_own_anna(api, orgs, session):
    assert new_user(api, orgs["one"], ANNA).status_code == 201
    created = new_user(api, orgs["two"], ANNA)
    assert created.status_code == 201, created.json  # was 409 "already exists": a leak
    assert created.json["email"] == ANNA
    owners = session.scalars(select(User.org_id).where(User.email == ANNA)).all()
    assert sorted(owners) == sorted([orgs["one"].id, orgs["two"].id])


def test_the_same_email_twice_in_one_organization_is_refused(api, orgs):
    assert new_user(api, orgs["one"], ANNA).status_code == 201
    again = new_user(api, orgs["one"], "Anna@X.test")
    assert again.status_code == 409
    assert again.json["error"]["message"] == "A user with that email already exists."


def test_a_widget_token_by_email_is_for_the_callers_own_organization(api, orgs, session):
    for org in orgs.values():
        org.admin.organization.widget_origins = [ORIGIN]
    session.commit()
    for org in orgs.values():
        new_user(api, org, ANNA)
    mine = api.post("/api/v1/widget/tokens", orgs["two"].tokens["admin"],
                    json={"origin": ORIGIN, "email": ANNA})
    assert mine.status_code == 201
    anna_two = session.scalar(select(User).where(User.email == ANNA, User.org_id == orgs["two"].id))
    assert mine.json["user_id"] == anna_two.id


def test_the_coach_cli_asks_which_organization_when_the_email_is_in_two(app, api, orgs, session):
    for org in orgs.values():
        new_user(api, org, ANNA)
    runner = app.test_cli_runner()
    ambiguous = runner.invoke(args=["coach", "chat", "--email", ANNA])
    assert ambiguous.exit_code != 0 and "pass --org" in ambiguous.output
    assert str(orgs["one"].id) in ambiguous.output and "Two Corp" in ambiguous.output
    chosen = runner.invoke(args=["coach", "chat", "--email", ANNA, "--org", str(orgs["two"].id)],
                           input="1\n/quit\n")
    assert chosen.exit_code == 0, chosen.output
    assert "left session" in chosen.output


def test_another_organization_using_the_demo_admins_email_is_not_the_demo(api, orgs, session, tmp_path):
    new_user(api, orgs["one"], "admin@demo.salescoach.test", role="admin")
    load_demo(session, str(tmp_path))  # still loads: that address in Org One is not the demo
    admin = demo_admin(session)
    assert admin is not None and admin.org_id not in (orgs["one"].id, orgs["two"].id)
