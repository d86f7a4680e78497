"""Why the service refused, in its own terms, not HTTP's: raised by the session orchestration
and the access rules; service/errors.py answers them over HTTP, the terminal coach prints them."""

from __future__ import annotations


class DomainError(Exception):
    """``fields`` names the inputs at fault (field -> messages); ``code`` a stable name a client
    can act on; ``retry_after`` the seconds to wait before trying again, when that is known."""

    code: str | None = None

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.code = code or self.code
        self.retry_after = retry_after


class NotFound(DomainError):
    """No such thing, or not the rep's own: the same answer either way."""


class Forbidden(DomainError):
    """Visible to the caller, but not theirs to change."""


class Invalid(DomainError):
    """The request cannot be carried out as asked: see ``fields``."""

    def __init__(self, fields: dict):
        super().__init__("The request did not validate: see fields.", fields=fields)


class Conflict(DomainError):
    """The session's state does not allow it now (ended, or another turn is being answered)."""
