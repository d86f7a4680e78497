"""Growing delays for failed /review logins to one account, whatever IP they come from.

The per email + IP window in limits.py stops one client; an attacker with many addresses gets
fresh tries from each. This counts per account (the email typed, hashed, existing or not, so the
answer says nothing about the account): the first REVIEW_LOGIN_ACCOUNT_FAILURES attempts are
free, then each further attempt waits REVIEW_LOGIN_ACCOUNT_DELAY seconds, doubling each time up to
REVIEW_LOGIN_ACCOUNT_MAX_DELAY. The delay is bounded, so nobody can lock a user out for good: the
real user waits at most the longest delay for a try. A successful login clears the account, and
failures are forgotten FORGET_AFTER seconds after the last one.

An attempt is charged before the password is checked (and cleared when it was right), and the
check and the charge are one atomic step (a Lua script in Redis, a lock in memory), so parallel
requests cannot all slip through the same free try.
"""

import hashlib
import logging
import math
import threading

from flask import Flask, current_app

from . import clock

log = logging.getLogger(__name__)
FORGET_AFTER = 24 * 3600
PREFIX = "salescoach:login-account:"

# KEYS[1] the account; ARGV: now, free attempts, first delay, longest delay, forget after.
# Returns the seconds to wait (0: this attempt may go ahead and has been charged).
ATTEMPT = """
local now, free, base, cap, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4]), tonumber(ARGV[5])
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if now - last > forget then redis.call('DEL', KEYS[1]) end
local locked = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if locked > now then return math.ceil(locked - now) end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if n >= free then
  redis.call('HSET', KEYS[1], 'until', tostring(now + math.min(cap, base * 2 ^ (n - free))))
end
redis.call('EXPIRE', KEYS[1], forget)
return 0
"""


def _delay(attempts: int, free: int, base: int, cap: int) -> float:
    """After the attempt numbered `attempts`, the wait before the next one (if it failed)."""
    return 0 if attempts < free else min(cap, base * 2 ** (attempts - free))


class AccountBackoff:
    def __init__(self, app: Flask):
        config = app.config
        self.free = max(1, config["REVIEW_LOGIN_ACCOUNT_FAILURES"])
        self.base = config["REVIEW_LOGIN_ACCOUNT_DELAY"]
        self.cap = config["REVIEW_LOGIN_ACCOUNT_MAX_DELAY"]
        self.enabled = self.base > 0
        self.memory: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.redis = None
        if config.get("REDIS_URL"):
            from redis import Redis

            self.redis = Redis.from_url(config["REDIS_URL"], socket_connect_timeout=0.5,
                                        socket_timeout=0.5)
            self.script = self.redis.register_script(ATTEMPT)

    def attempt(self, key: str) -> int:
        """Seconds to wait before this account may try; 0 charges this attempt and lets it go."""
        if not self.enabled:
            return 0
        now = clock.now()
        if self.redis is None:
            return self._attempt_in_memory(key, now)
        try:
            return int(self.script(keys=[PREFIX + key],
                                   args=[now, self.free, self.base, self.cap, FORGET_AFTER]))
        except Exception:  # noqa: BLE001 - the storage is down: fail open, loudly (as limits.py)
            log.exception("login backoff storage unavailable; letting the attempt through")
            return 0

    def _attempt_in_memory(self, key: str, now: float) -> int:
        with self.lock:
            state = self.memory.get(key)
            if state is None or now - state["last"] > FORGET_AFTER:
                state = self.memory[key] = {"n": 0, "until": 0.0, "last": now}
            if state["until"] > now:
                return math.ceil(state["until"] - now)
            state["n"] += 1
            state["last"] = now
            if state["n"] >= self.free:
                state["until"] = now + _delay(state["n"], self.free, self.base, self.cap)
            return 0

    def clear(self, key: str) -> None:
        """The password was right: the account starts afresh."""
        if self.redis is None:
            with self.lock:
                self.memory.pop(key, None)
            return
        try:
            self.redis.delete(PREFIX + key)
        except Exception:  # noqa: BLE001
            log.exception("login backoff storage unavailable; the account keeps its count")


def account_key(email: str) -> str:
    # Hashed: the counter storage (Redis) never holds an email address.
    return hashlib.sha256(("account|" + email.strip().lower()).encode()).hexdigest()


def current() -> AccountBackoff:
    return current_app.extensions["login_backoff"]


def init_app(app: Flask) -> None:
    app.extensions["login_backoff"] = AccountBackoff(app)
