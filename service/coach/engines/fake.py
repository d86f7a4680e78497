"""A scripted engine for tests: queue replies (or exceptions) and inspect what it was asked.

``default`` answers when the queue is empty: a text, or a function of the CoachTurn (the guard
rejects a question asked before, so a test running many turns needs a new one each time)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from .base import CoachTurn


class FakeEngine:
    name = "fake"
    speaks_flow_lines = True

    def __init__(self, *items, chunks: int = 3, default: str | None = None):
        self.queue: deque = deque()
        self.history: list[CoachTurn] = []
        self.chunks = chunks
        self.default = default
        self.enqueue(*items)

    def enqueue(self, *items) -> FakeEngine:
        self.queue.extend(items)
        return self

    def _next(self, turn: CoachTurn):
        if self.queue:
            item = self.queue.popleft()
        elif callable(self.default):  # a reply made for the turn, e.g. a new question each time
            item = self.default(turn)
        elif self.default is not None:
            item = self.default
        else:
            raise AssertionError("FakeEngine: nothing queued")
        if isinstance(item, BaseException) or (isinstance(item, type)
                                                and issubclass(item, BaseException)):
            raise item
        return item

    def stream(self, turn: CoachTurn) -> Iterator[str]:
        self.history.append(turn)
        text = self._next(turn)
        if not isinstance(text, str):
            raise AssertionError(f"FakeEngine: expected queued text for a reply, got {text!r}")
        size = max(1, -(-len(text) // self.chunks))
        for start in range(0, len(text), size):
            yield text[start:start + size]

    def complete_json(self, turn: CoachTurn, schema: dict) -> dict:
        self.history.append(turn)
        item = self._next(turn)
        if not isinstance(item, dict):
            raise AssertionError(f"FakeEngine: expected a queued dict for JSON, got {item!r}")
        return item
