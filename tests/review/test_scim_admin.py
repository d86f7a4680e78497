"""The admin page /review/admin/scim: issue a token (shown once), revoke it, the base URL."""

import re

import pytest

from .conftest import csrf_of, login


@pytest.fixture
def admin(web, demo):
    client = web.test_client()
    assert login(client, "admin@demo.salescoach.test").status_code == 302
    return client


def test_an_admin_issues_a_token_that_provisions_and_is_shown_once_then_revokes_it(admin, maya):
    page = admin.get("/review/admin/scim")
    assert page.status_code == 200
    assert '<code id="scim-base-url">http://localhost/scim/v2</code>' in page.text
    assert 'href="/review/admin/scim"' in page.text  # the nav link
    issued = admin.post("/review/admin/scim/tokens", data={"name": "Okta",
                                                           "csrf_token": csrf_of(page.text)})
    token = re.search(r'<code id="scim-new-token">(scim_[^<]+)</code>', issued.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert admin.get("/scim/v2/Users", headers=headers).json["totalResults"] >= 1
    again = admin.get("/review/admin/scim")
    assert token not in again.text and "Okta" in again.text and token[:12] in again.text
    token_id = re.search(r'/review/admin/scim/tokens/(\d+)/revoke', again.text).group(1)
    revoked = admin.post(f"/review/admin/scim/tokens/{token_id}/revoke",
                         data={"csrf_token": csrf_of(again.text)})
    assert revoked.status_code == 302
    assert admin.get("/scim/v2/Users", headers=headers).status_code == 401
    assert "revoked" in admin.get("/review/admin/scim").text
    # a manager is no admin: no page, no token
    assert maya.get("/review/admin/scim").status_code == 403
