"""Limits that keep one rep, or one organization, from exhausting the service or the model budget.

Per-user rate limits on coach turns and session starts, the longest message, the most turns in one
session, and each organization's model tokens per UTC day. Counters live in `limits` storage:
in this process by default, in Redis when REDIS_URL is set (shared by every worker and host).
The sessions views call the check_* functions; each raises ApiError, so clients get the one
error envelope (429 carries Retry-After).

If the counter storage fails (Redis down), the limits let requests through and log it: coaching
stays available, and a short outage of the counters costs less than refusing every rep.
"""

import logging
import math
import os
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .errors import ApiError

log = logging.getLogger(__name__)

# name -> (default, parser); every one is read from the environment unless the app config has it.
SETTINGS = {
    "RATE_LIMIT_TURNS": ("20/minute", str),            # coach turns per user; "" = no limit
    "RATE_LIMIT_SESSION_STARTS": ("10/hour", str),     # new sessions per user; "" = no limit
    "MAX_MESSAGE_CHARS": (4000, int),                  # longest rep message; 0 = no limit
    "MAX_TURNS_PER_SESSION": (60, int),                # rep messages in one session; 0 = no limit
    "ORG_DAILY_TOKENS": (2_000_000, int),              # model tokens per organization per UTC day
}
TOKEN_KEY_TTL = 2 * 24 * 3600  # a day's counter outlives its day, then expires by itself


class Limits:
    def __init__(self, app: Flask):
        config = app.config
        self.storage = storage_from_string(config.get("REDIS_URL") or "memory://",
                                           key_prefix="salescoach")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.turns = _rate(config["RATE_LIMIT_TURNS"])
        self.session_starts = _rate(config["RATE_LIMIT_SESSION_STARTS"])
        self.max_message_chars = config["MAX_MESSAGE_CHARS"]
        self.max_turns = config["MAX_TURNS_PER_SESSION"]
        self.org_daily_tokens = config["ORG_DAILY_TOKENS"]

    def hit(self, item: RateLimitItem | None, kind: str, user_id: int, message: str) -> None:
        if item is None:
            return
        try:
            if self.limiter.hit(item, kind, str(user_id)):
                return
            reset = self.limiter.get_window_stats(item, kind, str(user_id)).reset_time
        except Exception:  # noqa: BLE001 - the storage is down: fail open, loudly
            log.exception("rate-limit storage unavailable; letting the request through")
            return
        wait = max(1, math.ceil(reset - time.time()))
        raise ApiError(429, f"{message} Try again in {wait} seconds.",
                       headers={"Retry-After": str(wait)})

    def tokens_used(self, org_id: int) -> int:
        try:
            return self.storage.get(_token_key(org_id))
        except Exception:  # noqa: BLE001
            log.exception("token counter unavailable; treating today's use as zero")
            return 0

    def charge(self, org_id: int, tokens: int) -> int:
        if tokens <= 0:
            return self.tokens_used(org_id)
        try:
            return self.storage.incr(_token_key(org_id), TOKEN_KEY_TTL, amount=int(tokens))
        except Exception:  # noqa: BLE001
            log.exception("token counter unavailable; %s tokens of org %s not counted",
                          tokens, org_id)
            return 0


def _rate(value: str) -> RateLimitItem | None:
    value = (value or "").strip()
    return parse(value) if value and value != "0" else None


def _token_key(org_id: int, now: datetime | None = None) -> str:
    day = (now or datetime.now(UTC)).date().isoformat()
    return f"tokens/{org_id}/{day}"


def _seconds_to_midnight(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return max(1, math.ceil((midnight - now).total_seconds()))


def _current() -> Limits:
    return current_app.extensions["limits"]


# -- what the views call ------------------------------------------------------------------------

def check_turn(user) -> None:
    """Count one coach turn for the user; 429 past RATE_LIMIT_TURNS."""
    current = _current()
    current.hit(current.turns, "turn", user.id, "You are sending messages faster than the coach "
                "can think about them.")


def check_session_start(user) -> None:
    """Count one new session for the user; 429 past RATE_LIMIT_SESSION_STARTS."""
    current = _current()
    current.hit(current.session_starts, "session", user.id,
                "You have started many sessions in a short time.")


def check_message(text: str, field: str = "text") -> None:
    """422 when a message is longer than MAX_MESSAGE_CHARS."""
    limit = _current().max_message_chars
    if limit and len(text or "") > limit:
        raise ApiError(422, "The message is too long.",
                       fields={field: [f"At most {limit} characters ({len(text)} sent)."]})


def check_session_turns(turns_so_far: int) -> None:
    """409 once a session holds MAX_TURNS_PER_SESSION rep messages: time to end it."""
    limit = _current().max_turns
    if limit and turns_so_far >= limit:
        raise ApiError(409, f"This session has reached its {limit} turns. End it and start a "
                       "new one.", code="turn_limit")


def check_org_tokens(org_id: int) -> None:
    """429 when the organization has used its model tokens for today (UTC)."""
    current = _current()
    budget = current.org_daily_tokens
    if budget and current.tokens_used(org_id) >= budget:
        wait = _seconds_to_midnight()
        raise ApiError(429, "Your organization has used today's coaching budget. It renews at "
                       "midnight UTC.", code="token_budget_exhausted",
                       headers={"Retry-After": str(wait)})


def charge_tokens(org_id: int, tokens: int) -> int:
    """Add a reply's model tokens (prompt + completion) to the organization's day; returns the total."""
    return _current().charge(org_id, tokens)


def tokens_used_today(org_id: int) -> int:
    return _current().tokens_used(org_id)


def max_reply_tokens() -> int:
    """The cap on one coach reply (COACH_MAX_REPLY_TOKENS)."""
    return current_app.config["COACH_MAX_REPLY_TOKENS"]


def init_app(app: Flask) -> None:
    for name, (default, kind) in SETTINGS.items():
        if name not in app.config:
            app.config[name] = kind(os.environ.get(name, default))
    app.extensions["limits"] = Limits(app)
