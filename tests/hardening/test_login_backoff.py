"""Failed /review logins to one account are slowed down from every IP, in memory and in Redis.

The clock is moved, never slept on: service.clock.now is what the backoff reads.
"""

import pytest

from service import clock
from tests.review.conftest import csrf_of
from tests.review.seed import PASSWORD, with_passwords
from tests.review.test_login_limit import page_text


@pytest.fixture
def moving_clock(monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    return now


@pytest.fixture(params=["memory", "redis"])
def login_app(request, database_url, make_app, session, orgs, moving_clock):
    """3 free attempts per account, then 30 s doubling up to 120 s; the email + IP limit is
    loose (10 failures), so only the per-account delay can refuse."""
    with_passwords(session, orgs["one"])
    config = {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k",
              "COACH_ENGINE": "guided", "RATE_LIMIT_REVIEW_LOGIN": "10/15 minutes",
              "REVIEW_LOGIN_ACCOUNT_FAILURES": 3, "REVIEW_LOGIN_ACCOUNT_DELAY": 30,
              "REVIEW_LOGIN_ACCOUNT_MAX_DELAY": 120}
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        config["REDIS_URL"] = server.url
        from redis import Redis
        Redis.from_url(server.url).flushdb()
    return make_app(config)


class Attacker:
    """Every attempt from a fresh IP address, as a botnet would."""

    def __init__(self, app):
        self.app, self.count = app, 0

    def attempt(self, email, password):
        self.count += 1
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{self.count}"
        form = {"email": email, "password": password,
                "csrf_token": csrf_of(client.get("/review/login").text)}
        return client.post("/review/login", data=form)


def test_fresh_ips_do_not_give_fresh_tries(login_app, orgs, moving_clock):
    email, attacker = orgs["one"].users["manager_a"].email, Attacker(login_app)
    assert [attacker.attempt(email, "wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = attacker.attempt(email, PASSWORD)  # the right password, from yet another IP
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Too many attempts to log in" in refused.text


def test_the_delay_grows_but_stays_bounded(login_app, orgs, moving_clock):
    email, attacker = orgs["one"].users["manager_a"].email, Attacker(login_app)
    for _ in range(3):
        attacker.attempt(email, "wrong")
    waits = []
    for _ in range(5):
        waits.append(int(attacker.attempt(email, "wrong").headers["Retry-After"]))
        moving_clock[0] += waits[-1]
        assert attacker.attempt(email, "wrong").status_code == 401  # one try after each wait
    assert waits == [30, 60, 120, 120, 120]  # doubling, never past the longest delay


def test_the_real_user_gets_in_after_the_wait_and_starts_afresh(login_app, orgs, moving_clock):
    email, attacker = orgs["one"].users["manager_a"].email, Attacker(login_app)
    for _ in range(3):
        attacker.attempt(email, "wrong")
    moving_clock[0] += 30
    assert attacker.attempt(email, PASSWORD).status_code == 302
    assert [attacker.attempt(email, "wrong").status_code for _ in range(3)] == [401, 401, 401]


def test_failures_are_forgotten_after_a_day(login_app, orgs, moving_clock):
    email, attacker = orgs["one"].users["manager_a"].email, Attacker(login_app)
    for _ in range(3):
        attacker.attempt(email, "wrong")
    moving_clock[0] += 24 * 3600 + 1
    assert [attacker.attempt(email, "wrong").status_code for _ in range(3)] == [401, 401, 401]


def test_an_unknown_email_is_slowed_down_the_same_way(login_app, orgs, moving_clock):
    attacker = Attacker(login_app)
    known, unknown = orgs["one"].users["manager_a"].email, "nobody@one.test"
    for email in (known, unknown):
        assert [attacker.attempt(email, "wrong").status_code for _ in range(3)] == [401, 401, 401]
    a, b = attacker.attempt(known, "wrong"), attacker.attempt(unknown, "wrong")
    assert (a.status_code, a.headers["Retry-After"]) == (b.status_code, b.headers["Retry-After"])
    assert page_text(a, known) == page_text(b, unknown)


def test_parallel_attempts_cannot_share_one_free_try(login_app, orgs):
    """The check and the charge are one atomic step: ten at once get exactly the three free tries."""
    from concurrent.futures import ThreadPoolExecutor

    email = orgs["one"].users["manager_a"].email
    attackers = [Attacker(login_app) for _ in range(10)]
    for i, attacker in enumerate(attackers):
        attacker.count = 10 * i  # a different IP each
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = sorted(pool.map(lambda a: a.attempt(email, "wrong").status_code, attackers))
    assert codes == [401] * 3 + [429] * 7
