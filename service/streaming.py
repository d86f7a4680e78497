"""Server-sent events for the coach's reply, and the promise that a reply outlives its reader.

A browser that goes away mid-reply must not lose the coach's answer: when the server closes
our generator (the client disconnected), ``finally`` keeps consuming the turn until the reply
is stored. Nothing else is needed - no thread, no queue - because the turn itself does the
storing as its last step.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

from flask import Response

from .coach import EngineError
from .errors import error_event

log = logging.getLogger(__name__)


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'), default=str)}\n\n"


def drain(events: Iterator) -> None:
    """Finish a turn nobody is listening to any more (it stores the reply as its last step)."""
    try:
        for _ in events:
            pass
    except Exception:  # noqa: BLE001 - the client is gone; the log is the only reader left
        log.exception("finishing a coach turn after the client left")


def event_stream(events: Iterator[tuple[str, dict]]) -> Iterator[str]:
    finished = False
    try:
        for name, data in events:
            if name == "error":
                data = error_event(data)
            elif name == "done":
                data = {k: data[k] for k in ("message_id", "stage", "rep_message_id", "text")}
            yield sse(name, data)
        finished = True
    finally:
        if not finished:
            drain(events)


def sse_response(chunks: Iterable[str]) -> Response:
    return Response(chunks, mimetype="text/event-stream", headers={
        "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def collect(events: Iterator[tuple[str, dict]]) -> tuple[str, dict]:
    """The last meaningful event of a turn: ("done", data) or ("error", error)."""
    last = ("error", EngineError("the coach produced no reply"))
    for name, data in events:
        if name in ("done", "error"):
            last = (name, data)
    return last
