"""Limits that keep one rep, or one organization, from exhausting the service or the model budget.

Per-user rate limits on coach turns and session starts, failed review logins per email and IP
(and per account, with growing delays: login_backoff.py),
the longest message, the most turns in one session, and each organization's model tokens per UTC
day. Rate counters live in `limits` storage: in this process by default, in Redis when REDIS_URL
is set (shared by every worker and host). The token counter is a database row (models/usage.py)
charged in the transaction that stores the reply (token_usage.py), so a restart or a deploy does
not hand out a fresh budget.
The sessions views call the check_* functions; each raises ApiError, so clients get the one
error envelope (429 carries Retry-After).

If the counter storage fails (Redis down), the limits let requests through and log it: coaching
stays available, and a short outage of the counters costs less than refusing every rep.
"""

import hashlib
import logging
import math
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Message

from . import login_backoff, token_usage
from .db import db
from .errors import ApiError

log = logging.getLogger(__name__)

class Limits:
    def __init__(self, app: Flask):
        config = app.config
        url = config.get("REDIS_URL")
        # A Redis that hangs must not hang the turn: short timeouts, then fail open (below).
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5} if url else {}
        self.storage = storage_from_string(url or "memory://", key_prefix="salescoach", **options)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.turns = _rate(config["RATE_LIMIT_TURNS"])
        self.session_starts = _rate(config["RATE_LIMIT_SESSION_STARTS"])
        self.review_login = _rate(config["RATE_LIMIT_REVIEW_LOGIN"])
        self.max_turns = config["MAX_TURNS_PER_SESSION"]
        self.org_daily_tokens = config["ORG_DAILY_TOKENS"]

    def hit(self, item: RateLimitItem | None, kind: str, user_id: int, message: str,
            count: bool = True) -> None:
        """429 when the user is over ``item``; ``count`` charges this request (else only a
        test: the caller charges once its work is stored, see :func:`count_turn`)."""
        if item is None:
            return
        try:
            if (self.limiter.hit if count else self.limiter.test)(item, kind, str(user_id)):
                return
            reset = self.limiter.get_window_stats(item, kind, str(user_id)).reset_time
        except Exception:  # noqa: BLE001 - the storage is down: fail open, loudly
            log.exception("rate-limit storage unavailable; letting the request through")
            return
        wait = max(1, math.ceil(reset - time.time()))
        raise ApiError(429, f"{message} Try again in {wait} seconds.",
                       headers={"Retry-After": str(wait)})


    def wait(self, item: RateLimitItem | None, kind: str, key: str, count: bool) -> int:
        """Seconds until `key` may try again (0: go ahead); `count` charges one attempt."""
        if item is None:
            return 0
        try:
            if (self.limiter.hit if count else self.limiter.test)(item, kind, key):
                return 0
            reset = self.limiter.get_window_stats(item, kind, key).reset_time
        except Exception:  # noqa: BLE001 - the storage is down: fail open, loudly
            log.exception("rate-limit storage unavailable; letting the request through")
            return 0
        return max(1, math.ceil(reset - time.time()))


def _rate(value: str) -> RateLimitItem | None:
    value = (value or "").strip()
    return parse(value) if value and value != "0" else None


def _seconds_to_midnight(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return max(1, math.ceil((midnight - now).total_seconds()))


def _current() -> Limits:
    return current_app.extensions["limits"]


# -- what the views call ------------------------------------------------------------------------

def check_turn(user, count: bool = True) -> None:
    """Count one coach turn for the user (``count=False``: only test); 429 past
    RATE_LIMIT_TURNS."""
    current = _current()
    current.hit(current.turns, "turn", user.id, "You are sending messages faster than the coach "
                "can think about them.", count=count)


def count_turn(user) -> None:
    """Charge one turn once the rep's message is stored: a request that failed before (409,
    503 from the database) or a resend of a stored message costs nothing."""
    current = _current()
    if current.turns is None:
        return
    try:
        current.limiter.hit(current.turns, "turn", str(user.id))
    except Exception:  # noqa: BLE001 - the storage is down: fail open, loudly
        log.exception("rate-limit storage unavailable; the turn was not counted")


def check_session_start(user) -> None:
    """Count one new session for the user; 429 past RATE_LIMIT_SESSION_STARTS."""
    current = _current()
    current.hit(current.session_starts, "session", user.id,
                "You have started many sessions in a short time.")


def _login_key(email: str, ip: str | None) -> str:
    # Hashed: the counter storage (Redis) never holds an email address.
    return hashlib.sha256(f"{email.strip().lower()}|{ip or ''}".encode()).hexdigest()


def review_login_wait(email: str, ip: str | None) -> int:
    """Seconds before this email may try to log in again (0: it may now, and the attempt is
    charged to the account until review_login_succeeded). Two limits: failures per email + IP,
    and growing delays per account from any IP (login_backoff.py). The same for every email,
    existing or not: the refusal says nothing about the account."""
    current = _current()
    wait = current.wait(current.review_login, "review-login", _login_key(email, ip), count=False)
    return wait or login_backoff.current().attempt(login_backoff.account_key(email))


def review_login_succeeded(email: str) -> None:
    """The password was right: the account's growing delay starts afresh."""
    login_backoff.current().clear(login_backoff.account_key(email))


def count_failed_review_login(email: str, ip: str | None) -> None:
    """Charge one failed /review login to the email + IP; RATE_LIMIT_REVIEW_LOGIN of them refuse
    further attempts (even with the right password) until the window moves on."""
    current = _current()
    current.wait(current.review_login, "review-login", _login_key(email, ip), count=True)


def check_session_turns(turns_so_far: int) -> None:
    """409 once a session holds MAX_TURNS_PER_SESSION rep messages: time to end it."""
    limit = _current().max_turns
    if limit and turns_so_far >= limit:
        raise ApiError(409, f"This session has reached its {limit} turns. End it and start a "
                       "new one.", code="turn_limit")


def check_org_tokens(org_id: int, session: Session | None = None) -> None:
    """429 when the organization has used its model tokens for today (UTC)."""
    budget = _current().org_daily_tokens
    if budget and tokens_used_today(org_id, session) >= budget:
        raise ApiError(429, "Your organization has used today's coaching budget. It renews at "
                       "midnight UTC.", code="token_budget_exhausted",
                       headers={"Retry-After": str(_seconds_to_midnight())})


def check_before_turn(user, coaching_session, turns: int | None = None) -> None:
    """Everything a new rep message must pass before it is stored: the organization's tokens,
    the user's turn rate (tested here, charged by :func:`count_turn` once it is stored), the
    session's turn cap. ``turns`` is the session's rep-message count when the caller already
    has it (else it is counted here). A resend of a stored message passes none of these."""
    check_org_tokens(user.org_id)
    check_turn(user, count=False)
    if turns is None:
        turns = db.session.scalar(select(func.count(Message.id)).where(
            Message.session_id == coaching_session.id, Message.role == "rep"))
    check_session_turns(turns or 0)


def tokens_used_today(org_id: int, session: Session | None = None) -> int:
    return token_usage.used_today(session or db.session, org_id)


def init_app(app: Flask) -> None:
    """The limits come from app config (service/config.py reads them from the environment)."""
    app.extensions["limits"] = Limits(app)
    login_backoff.init_app(app)
