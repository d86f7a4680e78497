"""Webhook targets: internal addresses are refused when saved and, whatever the notation or the name,
when sent; the connection goes to the address that was checked; no redirects; no answer stored.

Every delivery here goes to a real receiver on 127.0.0.1 or is stopped before a socket exists
(`connections` refuses any other address), so no test sends traffic off the machine.
"""

import ipaddress
import socket
import ssl

import pytest
import trustme
import urllib3.util.connection
from sqlalchemy import select

from models import CoachingSession, Organization, User, WebhookDelivery
from service import webhooks
from service.api_tokens import issue_token
from service.webhook_target import internal_address, post

from .conftest import login
from .receiver import Receiver, serve
from .seed import add_sessions

SECRET = "a-secret-of-enough-length"
PUBLIC = "93.184.216.34"  # a global address; the spy below never lets a socket reach it
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def receiver():
    receiving = Receiver()
    stop = serve(receiving)
    yield receiving
    stop()


@pytest.fixture
def connections(monkeypatch):
    """Every address urllib3 opens a socket to; only loopback ones are really connected."""
    opened = []
    real = urllib3.util.connection.create_connection

    def spy(address, *args, **kwargs):
        opened.append(address[0])
        if not ipaddress.ip_address(address[0].strip("[]")).is_loopback:
            raise OSError("test: no traffic leaves the machine")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", spy)
    return opened


class FakeDns:
    """Names pointed anywhere: each lookup takes the next answer (the last one repeats)."""

    def __init__(self):
        self.answers, self.lookups = {}, []

    def point(self, name, *answers):
        self.answers[name] = list(answers)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


def queue_delivery(session, org, url):
    """A confirmed session and its pending delivery to `url`, as if saved before any check."""
    organization = session.get(Organization, org.id)
    organization.webhook_url, organization.webhook_secret = url, SECRET
    confirmed = add_sessions(session, org, 1, rep_names=("rep_a1",), status="confirmed")[0]
    delivery = webhooks.enqueue_session_confirmed(session, confirmed)
    session.commit()
    return delivery


LOOPBACK_FORMS = ["http://0x7f000001:{port}/hook", "http://2130706433:{port}/hook", "http://0:{port}/hook",
                  "http://127.1:{port}/hook", "http://0177.0.0.1:{port}/hook", "http://localhost:{port}/hook",
                  "http://127.0.0.1:{port}/hook"]


@pytest.mark.parametrize("form", LOOPBACK_FORMS)
def test_a_stored_loopback_target_in_any_notation_gets_no_request(session, orgs, receiver, connections,
                                                                   form):
    delivery = queue_delivery(session, orgs["one"], form.format(port=receiver.port))
    assert webhooks.deliver_due(session) == {"failed": 1}  # refused at once: retrying cannot help
    session.refresh(delivery)
    assert delivery.last_error == "refused_internal_address"
    assert receiver.arrived == [] and connections == []


def test_a_cgnat_target_is_refused_before_any_socket(session, orgs, connections):
    delivery = queue_delivery(session, orgs["one"], "http://100.64.0.1/hook")
    assert webhooks.deliver_due(session) == {"failed": 1}
    session.refresh(delivery)
    assert delivery.last_error == "refused_internal_address" and connections == []


@pytest.mark.parametrize("name, addresses", [("localhost.", ["127.0.0.1"]),
                                             ("hooks.example.test", ["127.0.0.1"]),
                                             ("hooks.example.test", [PUBLIC, "127.0.0.1"]),
                                             ("hooks.example.test", ["::ffff:127.0.0.1"]),
                                             ("hooks.example.test", ["10.0.0.8"])])
def test_a_name_resolving_to_an_internal_address_is_refused(session, orgs, receiver, connections, dns,
                                                            name, addresses):
    dns.point(name, addresses)
    delivery = queue_delivery(session, orgs["one"], f"http://{name}:{receiver.port}/hook")
    webhooks.deliver_due(session)
    session.refresh(delivery)
    assert delivery.last_error == "refused_internal_address"
    assert receiver.arrived == [] and connections == []


def test_the_checked_address_is_the_one_connected_to(session, orgs, receiver, connections, dns):
    """DNS rebinding: the name answers a public address, then loopback; only the first is used."""
    dns.point("rebind.example.test", [PUBLIC], ["127.0.0.1"])
    delivery = queue_delivery(session, orgs["one"], f"http://rebind.example.test:{receiver.port}/hook")
    assert webhooks.deliver_due(session) == {"pending": 1}
    session.refresh(delivery)
    assert connections == [PUBLIC] and dns.lookups == ["rebind.example.test"]
    assert delivery.last_error == "connection_error" and receiver.arrived == []


def test_the_opt_out_delivers_to_loopback_with_the_urls_host(app, session, orgs, receiver, connections, dns):
    app.config["WEBHOOK_ALLOW_INTERNAL"] = True
    dns.point("hooks.example.test", ["127.0.0.1"])
    delivery = queue_delivery(session, orgs["one"], f"http://hooks.example.test:{receiver.port}/hook")
    assert webhooks.deliver_due(session) == {"delivered": 1}
    [arrived] = receiver.arrived
    assert arrived.path == "/hook" and arrived.headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert arrived.headers["X-SalesCoach-Signature"] == webhooks.sign(
        SECRET, arrived.headers["X-SalesCoach-Timestamp"], arrived.body)
    assert connections == ["127.0.0.1"] and session.get(WebhookDelivery, delivery.id).last_error == ""


def test_a_redirect_is_a_failure_and_is_not_followed(app, session, orgs, receiver):
    app.config["WEBHOOK_ALLOW_INTERNAL"] = True
    receiver.status, receiver.headers = 302, {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"}
    delivery = queue_delivery(session, orgs["one"], f"http://127.0.0.1:{receiver.port}/hook")
    assert webhooks.deliver_due(session) == {"pending": 1}
    assert [a.path for a in receiver.arrived] == ["/hook"]
    assert session.get(WebhookDelivery, delivery.id).last_error == "http_302"


def test_the_receivers_answer_is_never_stored_or_shown(app, web, demo, receiver):
    """An internal page's text must not come back to the admin, on the page or in the API."""
    app.config["WEBHOOK_ALLOW_INTERNAL"] = True
    receiver.status, receiver.body = 500, b"root:x:0:0 internal-admin-panel"
    confirmed = demo.scalars(select(CoachingSession).where(CoachingSession.status == "confirmed")).first()
    org = demo.get(Organization, confirmed.org_id)
    org.webhook_url, org.webhook_secret = f"http://127.0.0.1:{receiver.port}/hook", SECRET
    webhooks.enqueue_session_confirmed(demo, confirmed)
    old = WebhookDelivery(org_id=org.id, session_id=confirmed.id, url=org.webhook_url, status="failed",
                          last_error="HTTP 500: root:x:0:0 stored before the fix")
    demo.add(old)
    demo.commit()
    webhooks.deliver_due(demo)
    assert len(receiver.arrived) == 1

    admin = demo.scalars(select(User).where(User.email == "admin@demo.salescoach.test")).one()
    _, token = issue_token(demo, admin)
    demo.commit()
    listed = web.test_client().get("/api/v1/review/webhook-deliveries",
                                   headers={"Authorization": f"Bearer {token}"}).json
    assert sorted(d["last_error"] for d in listed["items"]) == ["error", "http_500"]
    client = web.test_client()
    login(client, admin.email)
    html = client.get("/review/webhooks").text
    assert "http_500" in html and "root:x" not in html and "internal-admin-panel" not in html


# (`127.1`, `0177.0.0.1` and `[::ffff:127.0.0.1]` are already refused as URLs by the schema's validator.)
SAVE_REFUSED = ["http://0x7f000001:8080/", "http://2130706433:8080/", "http://0:8080/",
                "http://100.64.0.1/", "http://localhost.:8080/", "http://[::ffff:a00:1]/",
                "http://[::]/", "http://[fd00::1]/", "http://224.0.0.1/", "http://192.168.1.1/",
                "http://[64:ff9b::a9fe:a9fe]/", "http://app.localhost/"]


@pytest.mark.parametrize("url", SAVE_REFUSED)
def test_saving_an_internal_literal_is_refused_with_a_reason(api, orgs, url):
    refused = api.patch("/api/v1/review/settings", orgs["one"].tokens["admin"],
                        json={"webhook_url": url, "webhook_secret": SECRET})
    assert refused.status_code == 422, url
    assert refused.json["error"]["message"] == "The webhook must point to a public address."
    assert "in any notation" in refused.json["error"]["fields"]["webhook_url"][0]


def test_saving_a_public_target_is_accepted(api, orgs):
    saved = api.patch("/api/v1/review/settings", orgs["one"].tokens["admin"],
                      json={"webhook_url": f"https://{PUBLIC}/hook", "webhook_secret": SECRET})
    assert saved.status_code == 200 and saved.json["webhook_url"] == f"https://{PUBLIC}/hook"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.251", "239.1.2.3", "240.0.0.1", "255.255.255.255",
    "192.0.0.8", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::1", "2002:a9fe:a9fe::",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2001:db8::1"])
def test_internal_addresses_in_every_form_are_refused(address):
    assert internal_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111",
                                     "2a00:1450:4001:80b::200e"])
def test_public_addresses_pass(address):
    assert not internal_address(ipaddress.ip_address(address))


@pytest.fixture
def tls_receiver(tmp_path):
    """An https receiver on 127.0.0.1 whose certificate names hooks.example.test."""
    authority = trustme.CA()
    context = ssl.create_default_context(purpose=ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("hooks.example.test").configure_cert(context)
    receiving = Receiver()
    stop = serve(receiving, context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    yield receiving, str(bundle)
    stop()


def test_https_to_the_pinned_address_checks_the_hostnames_certificate(tls_receiver, connections, dns):
    receiving, bundle = tls_receiver
    dns.point("hooks.example.test", ["127.0.0.1"])
    dns.point("other.example.test", ["127.0.0.1"])
    url = f"https://hooks.example.test:{receiving.port}/hook"
    assert post(url, b"{}", {}, 5, allow_internal=True, verify=bundle) == ""
    assert receiving.server_names == ["hooks.example.test"]
    assert receiving.arrived[0].headers["Host"] == f"hooks.example.test:{receiving.port}"
    wrong_name = f"https://other.example.test:{receiving.port}/hook"
    assert post(wrong_name, b"{}", {}, 5, allow_internal=True, verify=bundle) == "tls_error"
    assert len(receiving.arrived) == 1 and connections == ["127.0.0.1", "127.0.0.1"]
