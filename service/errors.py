"""One JSON error envelope for every error: {"error": {"code", "message", "fields"}}.

The coaching domain (engine failures), the session orchestration and the access rules
raise errors of their own, with no HTTP in them; :func:`domain_error` gives them their status,
code and message here, once, for the JSON views, the event stream and the terminal coach.
"""

import logging
import math

from flask import g, jsonify, render_template, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .coach.errors import EngineError
from .domain_errors import Conflict, DomainError, Forbidden, Invalid, NotFound

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
    500: "internal_error", 502: "bad_gateway", 503: "unavailable", 504: "timeout",
}


class ApiError(HTTPException):
    """Raise anywhere to answer with the error envelope."""

    def __init__(self, status: int, message: str, fields: dict | None = None,
                 code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.code = status
        self.description = message
        self.fields = fields or {}
        self.error_code = code or CODES.get(status, "error")
        self.extra_headers = headers or {}


# EngineError.kind -> status, what the rep reads. The rep's message is stored before the model
# is called, so every failure can say it may be sent again.
ENGINE_FAILURES = {
    "timeout": (504, "The coach took too long to answer."),
    "busy": (503, "The coach is busy or unavailable right now."),
    "unavailable": (503, "The coach is busy or unavailable right now."),
    "bad_output": (502, "The coach's answer came back broken."),
    "refused": (502, "The coach's answer came back broken."),
}
RESEND = " Your message is saved: send it again to retry."
SESSION_FAILURES = {NotFound: 404, Forbidden: 403, Invalid: 422, Conflict: 409}
# path prefix -> its own rendering of an HTTP error, for protocols with an error shape of their
# own (service/scim registers "/scim/")
OWN_SHAPES = {}


def domain_error(error: EngineError | DomainError) -> ApiError:
    """An engine's or the orchestration's error as the error envelope."""
    headers = {"Retry-After": str(max(1, math.ceil(error.retry_after)))} if error.retry_after else {}
    if isinstance(error, EngineError):
        status, message = ENGINE_FAILURES.get(error.kind, ENGINE_FAILURES["bad_output"])
        return ApiError(status, message + RESEND, fields={"retryable": True}, headers=headers)
    status = next((code for kind, code in SESSION_FAILURES.items() if isinstance(error, kind)), 400)
    return ApiError(status, error.message, fields=error.fields, code=error.code, headers=headers)


def error_event(error: EngineError | DomainError) -> dict:
    """The data of a turn's ``error`` event (SSE, terminal): the turn stored no reply and the rep's
    message is kept, so it can always be sent again."""
    failure = domain_error(error)
    return {"code": failure.error_code, "message": failure.description, "retryable": True}


def error_response(status: int, message: str, fields=None, code=None, headers=None):
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message,
                      "fields": _string_keys(fields or {})}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _wants_html() -> bool:
    """Browser pages (manager review) get an HTML error page; everything else gets JSON."""
    return request.path.startswith("/review") and request.accept_mimetypes.accept_html


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    for prefix, own_shape in OWN_SHAPES.items():  # SCIM's error shape (RFC 7644 3.12)
        if request.path.startswith(prefix):
            return own_shape(error)
    if _wants_html():
        return render_template("review/error.html", status=status,
                               message=error.description), status
    fields = getattr(error, "fields", None)
    data = getattr(error, "data", None) or {}
    if fields is None and "messages" in data:  # webargs/marshmallow validation
        fields = _flatten(data["messages"])
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(getattr(error, "extra_headers", {}))
    message = error.description or ""
    if status == 422 and not isinstance(error, ApiError):
        message = "The request did not validate: see fields."
    return error_response(status, message, fields,
                          getattr(error, "error_code", None), headers)


def _flatten(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {...}}); clients want field -> messages."""
    flat = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def _string_keys(messages):
    """marshmallow keys a list item's messages by its int index, next to str keys ("_schema"):
    JSON objects have string keys, and sorting mixed keys would fail."""
    if isinstance(messages, dict):
        return {str(key): _string_keys(value) for key, value in messages.items()}
    return messages


def _rollback() -> None:
    """Leave the request's database session usable: PostgreSQL refuses every later statement in
    a transaction that failed, and a session can outlive the request (an app context pushed
    around several requests, as in tests and CLI commands)."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the connection itself may be gone; close() follows
            log.warning("rollback after a database error failed", exc_info=True)


def handle_domain_error(error: EngineError | DomainError):
    return handle_http_exception(domain_error(error))


def handle_database_down(error: OperationalError):
    _rollback()
    log.error("database unavailable: %s", error)
    return error_response(503, "The database is unavailable; nothing was saved. Try again shortly.",
                          headers={"Retry-After": "5"})


def handle_database_busy(error: PoolTimeout):
    """Every pooled connection stayed busy past the pool's timeout: overload, not a bug."""
    _rollback()
    log.error("database pool exhausted: %s", error)
    return error_response(503, "The service is busy; nothing was saved. Try again shortly.",
                          headers={"Retry-After": "5"})


def handle_out_of_range(error: Exception):
    """A value the database cannot store: a number too large for its column (SQLite raises
    OverflowError), or on PostgreSQL (DataError) also text with NUL characters."""
    _rollback()
    log.info("value the database refused: %s", error)
    return error_response(422, "A value in the request cannot be stored: a number out of range "
                          "or text with control characters.")


def handle_conflict(error: IntegrityError):
    """A constraint the database enforced that no view checked first (views that expect one
    answer their own 409 through api.common.save): a conflict with stored data, not a crash."""
    _rollback()
    log.warning("integrity error: %s", error)
    return error_response(409, "That conflicts with an existing record.")


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    _rollback()
    return error_response(500, "Something went wrong on our side; nothing you sent was lost.")


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(EngineError, handle_domain_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(PoolTimeout, handle_database_busy)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(IntegrityError, handle_conflict)
    app.register_error_handler(Exception, handle_unexpected)
