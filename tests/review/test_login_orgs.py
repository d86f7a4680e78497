"""Review login when one email has accounts in several organizations."""

import re

from werkzeug.security import generate_password_hash

from models import User

from .conftest import csrf_of
from .seed import PASSWORD

ANNA = "anna@x.test"


def add_anna(session, org, role="manager", password=PASSWORD):
    user = User(org_id=org.id, role=role, name=f"Anna of {org.admin.organization.name}", email=ANNA,
                password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"))
    session.add(user)
    session.commit()
    return user


def post_login(client, email=ANNA, password=PASSWORD):
    page = client.get("/review/login")
    return client.post("/review/login", data={"email": email, "password": password,
                                              "csrf_token": csrf_of(page.text)})


def whose_dashboard(client) -> str:
    page = client.get("/review/")
    assert page.status_code == 200
    return re.search(r'<span class="who">([^<]+)', page.text).group(1).strip()


def test_each_organizations_anna_logs_in_with_her_own_password(web, session, orgs):
    add_anna(session, orgs["one"], password="anna-one-password")
    add_anna(session, orgs["two"], password="anna-two-password")
    one, two = web.test_client(), web.test_client()
    assert post_login(one, password="anna-one-password").status_code == 302
    assert post_login(two, password="anna-two-password").status_code == 302
    assert whose_dashboard(one) == "Anna of One Corp"
    assert whose_dashboard(two) == "Anna of Two Corp"


def test_the_same_password_in_two_organizations_asks_which_one(web, session, orgs):
    add_anna(session, orgs["one"])
    anna_two = add_anna(session, orgs["two"])
    client = web.test_client()
    step = post_login(client)
    assert step.status_code == 200 and "Choose an organization" in step.text
    assert "One Corp" in step.text and "Two Corp" in step.text
    assert client.get("/review/").status_code == 302  # not logged in yet
    chosen = client.post("/review/login/organization",
                         data={"user_id": anna_two.id, "csrf_token": csrf_of(step.text)})
    assert chosen.status_code == 302
    assert whose_dashboard(client) == "Anna of Two Corp"


def test_the_organization_step_opens_only_an_account_the_password_opened(web, session, orgs):
    add_anna(session, orgs["one"])
    add_anna(session, orgs["two"])
    client = web.test_client()
    step = post_login(client)
    other = orgs["two"].users["manager_a"]  # not offered
    refused = client.post("/review/login/organization",
                          data={"user_id": other.id, "csrf_token": csrf_of(step.text)})
    assert refused.status_code == 400 and "Log in again" in refused.text
    assert client.get("/review/").status_code == 302


def test_a_rep_account_with_the_same_password_is_not_offered(web, session, orgs):
    add_anna(session, orgs["one"], role="rep")
    add_anna(session, orgs["two"])
    client = web.test_client()
    assert post_login(client).status_code == 302
    assert whose_dashboard(client) == "Anna of Two Corp"
