"""JSON logs on stdout: one line per request, and every log line of a request, with its request id.

The id comes from the client's X-Request-ID when it is sane (a proxy's or load balancer's id,
so one id follows a request through every hop), else a fresh one; it is sent back in
X-Request-ID. A streamed (SSE) reply's access line is written when the stream closes, so it
carries the full duration, including when the client went away mid-stream.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
# Terminal colour codes (werkzeug paints its lines when stdout is a terminal): never in JSON.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
access_log = logging.getLogger("salescoach.access")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _ANSI.sub("", record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value):
        pass


class NotWerkzeugAccess(logging.Filter):
    """Drops the development server's own line per request ('127.0.0.1 - - [date] "GET / ..."'):
    our access line already says it, with the request id; its start-up lines and errors stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and " - - [" in str(record.msg))


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stdout for the root logger, once per process (gunicorn's own loggers too)."""
    root = logging.getLogger()
    if not any(isinstance(h, StdoutHandler) for h in root.handlers):
        handler = StdoutHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, NotWerkzeugAccess) for f in werkzeug.filters):
        werkzeug.addFilter(NotWerkzeugAccess())
    root.setLevel(level.upper())
    # The model client logs every HTTP call at INFO; our access line already covers the turn.
    for noisy in ("httpx", "httpx2", "openai"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _who(user) -> tuple[int | None, int | None]:
    """The user's ids as already loaded: never a query (after a failed transaction, touching an
    expired attribute would raise instead of logging)."""
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is None:
        return getattr(user, "id", None), getattr(user, "org_id", None)
    identity = state.identity or (None,)
    return state.dict.get("id", identity[0]), state.dict.get("org_id")


def _finish(response):
    rid = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = rid
    user_id, org_id = _who(g.get("user"))
    fields = {
        "request_id": rid, "method": request.method, "path": request.path,
        "status": response.status_code, "user_id": user_id,
        "org_id": org_id, "remote_addr": request.remote_addr,
        "user_agent": request.user_agent.string[:200],
    }
    started = g.get("request_started", time.perf_counter())
    streamed = response.is_streamed

    def log_line():
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
        if not streamed:
            fields["bytes"] = response.calculate_content_length()
        access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"],
                        extra={"fields": fields, "request_id": rid})

    if streamed:
        response.call_on_close(log_line)
    else:
        log_line()
    return response


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)
