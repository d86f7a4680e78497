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


def event_stream(events: Iterator[tuple[str, object]]) -> Iterator[str]:
    finished = False
    try:
        for name, data in events:
            if name == "error":
                data = error_event(data)
            elif name == "done":
                data = done_event(data)
            yield sse(name, data)
        finished = True
    finally:
        if not finished:
            drain(events)


def sse_response(chunks: Iterable[str]) -> Response:
    return Response(chunks, mimetype="text/event-stream", headers={
        "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def done_event(turn) -> dict:
    """The data of a turn's ``done`` event, from its StoredTurn."""
    reply = turn.reply
    return {"message_id": reply.id, "stage": reply.stage, "rep_message_id": reply.reply_to_id,
            "text": reply.text, "choices": reply.choices, "intent": reply.intent}
