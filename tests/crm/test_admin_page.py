"""/review/admin/crm: an admin connects a CRM (secrets never shown back), schedules it, syncs it
now and reads the runs; nobody else reaches it."""

import json

from sqlalchemy import select

from models import CrmConnection
from service.credentials import box_for
from tests.review.conftest import csrf_of, login
from tests.review.seed import PASSWORD, with_passwords

from .test_hubspot import serve_all

PAGE = "/review/admin/crm"


def admin_browser(web, session, org):
    with_passwords(session, org)
    browser = web.test_client()
    assert login(browser, org.admin.email, PASSWORD).status_code == 302
    return browser


def post(browser, path, **data):
    token = csrf_of(browser.get(PAGE).text)
    return browser.post(path, data={**data, "csrf_token": token})


def test_an_admin_connects_schedules_and_syncs_hubspot(web, session, org, hubspot):
    browser = admin_browser(web, session, org)
    assert 'href="/review/admin/crm"' in browser.get("/review/").text

    answer = post(browser, f"{PAGE}/connect", provider="hubspot", access_token="pat-na1-shh")
    assert answer.status_code == 302
    shown = browser.get(answer.location).text
    assert "HubSpot" in shown and "pat-na1-shh" not in shown and "Connection saved" in shown
    connection = session.scalar(select(CrmConnection))
    assert "pat-na1-shh" not in connection.credentials
    assert json.loads(box_for(web.config).open(connection.credentials)) == {"access_token": "pat-na1-shh"}

    post(browser, f"{PAGE}/{connection.id}", interval_minutes="30", stage_map="Closed Won = Closing\n")
    session.refresh(connection)
    assert (connection.enabled, connection.interval_minutes, connection.stage_map) == (
        False, 30, {"closed won": "Closing"})

    serve_all(hubspot)
    assert post(browser, f"{PAGE}/{connection.id}/sync").status_code == 302
    for thread in web.extensions["crm_threads"]:
        thread.join(10)
    shown = browser.get(PAGE).text
    assert "badge-succeeded" in shown and "<td>4</td>" in shown and "2 reasons" in shown
    assert "stranger@elsewhere.test is no user of this organization" in shown


def test_a_bad_stage_map_line_is_refused(web, session, org):
    browser = admin_browser(web, session, org)
    post(browser, f"{PAGE}/connect", provider="salesforce", instance_url="https://acme.my.salesforce.com",
         session_id="00D!secret")
    connection = session.scalar(select(CrmConnection))
    answer = post(browser, f"{PAGE}/{connection.id}", interval_minutes="60", stage_map="Closed Won")
    assert answer.status_code == 422 and "CRM stage = our stage" in answer.text


def test_salesforce_needs_a_login_or_a_session(web, session, org):
    browser = admin_browser(web, session, org)
    answer = post(browser, f"{PAGE}/connect", provider="salesforce", username="ops@acme.test")
    assert answer.status_code == 422 and session.scalar(select(CrmConnection)) is None


def test_managers_and_other_organizations_are_kept_out(web, session, orgs):
    one, two = orgs["one"], orgs["two"]
    browser = admin_browser(web, session, one)
    post(browser, f"{PAGE}/connect", provider="hubspot", access_token="pat-one")
    connection = session.scalar(select(CrmConnection))

    other = admin_browser(web, session, two)
    assert post(other, f"{PAGE}/{connection.id}/sync").status_code == 404
    assert post(other, f"{PAGE}/{connection.id}/delete").status_code == 404
    assert "pat-one" not in other.get(PAGE).text and "Last runs" not in other.get(PAGE).text

    manager = web.test_client()
    assert login(manager, one.users["manager_a"].email, PASSWORD).status_code == 302
    assert manager.get(PAGE).status_code == 403
