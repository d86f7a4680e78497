"""Failed review logins are limited per email and IP, and the refusal says nothing about the account."""

import re

import pytest

from service import create_app

from .conftest import csrf_of
from .seed import PASSWORD, with_passwords


@pytest.fixture
def limited(app, session, orgs):
    """An app on the same database allowing 3 failed logins per email + IP."""
    with_passwords(session, orgs["one"])
    other = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "TESTING", "SECRET_KEY",
                                                      "COACH_ENGINE", "DEMO_DATA")},
                        "RATE_LIMIT_REVIEW_LOGIN": "3/15 minutes"})
    yield other
    other.extensions["db"]["engine"].dispose()


def attempt(app, email, password, ip="203.0.113.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    form = {"email": email, "password": password,
            "csrf_token": csrf_of(client.get("/review/login").text)}
    return client.post("/review/login", data=form)


def page_text(response, email):
    """The page as the user reads it, without the typed email and the per-form CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.text.replace(email, ""))


def test_too_many_failures_refuse_even_the_right_password(limited, orgs):
    email = orgs["one"].users["manager_a"].email
    assert [attempt(limited, email, "wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = attempt(limited, email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts to log in" in refused.text and "15 minutes" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert "Set-Cookie" not in refused.headers or "session=" not in refused.headers["Set-Cookie"]


def test_the_refusal_reads_the_same_for_an_unknown_email(limited, orgs):
    known, unknown = orgs["one"].users["manager_a"].email, "nobody@one.test"
    for email in (known, unknown):
        for _ in range(3):
            attempt(limited, email, "wrong")
    a, b = attempt(limited, known, "wrong"), attempt(limited, unknown, "wrong")
    assert a.status_code == b.status_code == 429
    assert page_text(a, known) == page_text(b, unknown)


def test_the_limit_is_per_email_and_ip(limited, orgs):
    users = orgs["one"].users
    for _ in range(3):
        attempt(limited, users["manager_a"].email.upper(), "wrong")
    assert attempt(limited, users["manager_a"].email, PASSWORD).status_code == 429
    assert attempt(limited, users["manager_a"].email, PASSWORD, ip="198.51.100.2").status_code == 302
    assert attempt(limited, users["manager_b"].email, PASSWORD).status_code == 302


def test_successful_logins_do_not_count(limited, orgs):
    email = orgs["one"].users["manager_a"].email
    assert {attempt(limited, email, PASSWORD).status_code for _ in range(5)} == {302}


@pytest.mark.parametrize("who", ["known", "unknown"])
def test_an_unknown_email_runs_the_password_hasher_as_a_known_one_does(limited, orgs, monkeypatch, who):
    """The timing leak (10 ms for an unknown email, 115 ms for a known one) came from skipping
    the hash: both now hash once. Counting calls, not timing them."""
    from service.review import login as login_view

    calls = []
    real = login_view.check_password_hash
    monkeypatch.setattr(login_view, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    email = orgs["one"].users["manager_a"].email if who == "known" else "nobody@one.test"
    assert attempt(limited, email, "wrong").status_code == 401
    assert len(calls) == 1
    if who == "unknown":
        assert calls[0].split("$")[0] == "scrypt:32768:8:1"  # as costly as a real default hash
