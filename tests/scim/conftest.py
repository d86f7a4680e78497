"""SCIM fixtures: an organization's SCIM token and a client speaking application/scim+json."""

import json

import pytest

from service.scim import issue_scim_token

SCIM_JSON = "application/scim+json"


class ScimClient:
    """The Flask test client on /scim/v2 with a bearer token: scim.post("/Users", body)."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def call(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}", "Accept": SCIM_JSON}
        data = json.dumps(body) if body is not None else None
        return self.client.open("/scim/v2" + path, method=method, headers=headers, data=data,
                                content_type=SCIM_JSON if data else None)

    def __getattr__(self, method):
        return lambda path, body=None, token=None: self.call(method.upper(), path, body, token)


@pytest.fixture
def scim_tokens(session, orgs):
    tokens = {}
    for label, org in orgs.items():
        _, tokens[label] = issue_scim_token(session, org.admin, "test")
    session.commit()
    return tokens


@pytest.fixture
def scim(app, scim_tokens):
    return ScimClient(app.test_client(), scim_tokens["one"])


def new_user(user_name, email=None, **extra):
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name,
            "emails": [{"value": email or user_name, "primary": True}], **extra}
