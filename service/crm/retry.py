"""What a CRM call can answer besides data, in our own terms, and bounded retries of a rate limit.

The connectors translate their client's errors into these: `RateLimited` (HubSpot 429 with
Retry-After, Salesforce REQUEST_LIMIT_EXCEEDED) is retried with a growing wait; `CredentialRevoked`
(HubSpot 401, Salesforce INVALID_SESSION_ID) is not: the admin has to reconnect.
"""

import time


class CrmError(Exception):
    """The CRM refused or failed a call; the run stops with this message."""


class CredentialRevoked(CrmError):
    """The stored credential no longer opens the CRM (revoked, expired, wrong)."""

    def __init__(self, detail: str = ""):
        super().__init__("credential revoked: reconnect" + (f" ({detail})" if detail else ""))


class RateLimited(CrmError):
    def __init__(self, retry_after: float | None = None, detail: str = "rate limited"):
        super().__init__(detail)
        self.retry_after = retry_after


def retry_after_seconds(value) -> float | None:
    """A Retry-After header's seconds (the HTTP-date form is not used by these CRMs)."""
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def with_retries(call, *, attempts: int = 5, base: float = 1.0, cap: float = 60.0, sleep=time.sleep):
    """`call()`, retried on RateLimited up to `attempts` tries in all: waiting the CRM's
    Retry-After when it gives one (at most `cap`), else base, 2*base, 4*base... seconds."""
    for attempt in range(attempts):
        try:
            return call()
        except RateLimited as limited:
            if attempt == attempts - 1:
                raise CrmError(f"rate limited: gave up after {attempts} tries") from limited
            wait = limited.retry_after if limited.retry_after is not None else base * 2 ** attempt
            sleep(min(cap, wait))
    raise AssertionError("unreachable")
