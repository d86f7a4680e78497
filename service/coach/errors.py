"""Engine failures, in our own terms so the API maps them to HTTP without knowing the SDK.

`status` is what the API should answer with (504 timeout, 503 busy/unavailable, 502 bad
answer from upstream); `retryable` says whether the same request may succeed later.
"""

from __future__ import annotations


class EngineError(Exception):
    status = 502
    retryable = False

    def __init__(self, message: str, *, status: int | None = None,
                 retryable: bool | None = None, retry_after: float | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status
        if retryable is not None:
            self.retryable = retryable
        self.retry_after = retry_after


class EngineTimeout(EngineError):
    status = 504
    retryable = True


class EngineRateLimited(EngineError):
    status = 503
    retryable = True


class EngineUnavailable(EngineError):
    """5xx from the model server, connection refused, or the stream dropped mid-reply."""

    status = 503
    retryable = True


class EngineBadOutput(EngineError):
    """The server answered, but not with something we can use (no finish_reason, bad JSON)."""

    status = 502
    retryable = False


class ModeFileError(ValueError):
    """A mode file is malformed; the message names the file and the field."""
