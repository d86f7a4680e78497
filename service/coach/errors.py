"""Engine failures, in our own terms: the SDK's errors never leave the engine, and how a failure
is answered (over HTTP, in the terminal) is the caller's business.

``kind`` names what went wrong: timeout, busy (rate limited), unavailable (the server failed or
dropped the stream), bad_output (an answer we cannot use), refused (the server rejected the
request). ``retryable`` says whether the same request may succeed later; ``retry_after`` is the
seconds the server asked us to wait, when it said.
"""

from __future__ import annotations


class EngineError(Exception):
    kind = "bad_output"
    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable
        self.retry_after = retry_after


class EngineTimeout(EngineError):
    kind = "timeout"
    retryable = True


class EngineRateLimited(EngineError):
    kind = "busy"
    retryable = True


class EngineUnavailable(EngineError):
    """5xx from the model server, connection refused, or the stream dropped mid-reply."""

    kind = "unavailable"
    retryable = True


class EngineBadOutput(EngineError):
    """The server answered, but not with something we can use (no finish_reason, bad JSON)."""


class EngineRefused(EngineError):
    """The server rejected the request itself (a 4xx other than rate limiting): resending the
    same request will not help."""

    kind = "refused"


class ModeFileError(ValueError):
    """A mode file is malformed; the message names the file and the field."""
