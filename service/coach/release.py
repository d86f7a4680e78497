"""What of a streaming reply the rep may see yet: whole sentences that have passed the guard.

A reply streams in pieces, but a rejected draft must never reach the rep. ``Gate`` holds the
pieces back and releases text one sentence at a time, once the reply so far (up to the end of
that sentence) passes every check that more text could not mend: telling, praise, markup, a
second question, a statement after the question, a closed, repeated, stacked or advising
question, copied or echoed words, too many words. Only "no question yet" waits for the end.
The first sentence that fails stops the release, so the rest of that draft is never shown and
the caller can stop the engine early. Why sentences and not the whole reply: a coach reply is a
short reflection then a question, so the reflection shows as soon as it is judged, and the
question once it is (the rep sees no more than what passed).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .guard import GuardVerdict

# the end of a sentence: its mark, then the space or line break that shows the next one began
BOUNDARY = re.compile(r"[.!?]+[\"'\u201d)]*(?=\s)|\n")


class Gate:
    """Feed it the pieces as they stream; it returns the text that may be shown now.

    ``judge(text, partial)`` is the guard with the turn's rules (guard.check)."""

    def __init__(self, judge: Callable[[str, bool], GuardVerdict]):
        self.judge = judge
        self.text = ""
        self.shown = 0          # characters of ``text`` released
        self.judged = 0         # characters of ``text`` up to the last sentence judged
        self.verdict: GuardVerdict | None = None  # set when a sentence failed

    @property
    def failed(self) -> bool:
        return self.verdict is not None

    def feed(self, piece: str) -> str:
        self.text += piece
        if self.failed:
            return ""
        end = max((m.end() for m in BOUNDARY.finditer(self.text, self.judged)), default=None)
        if end is None:
            return ""
        self.judged = end
        verdict = self.judge(self.text[:end], True)
        if not verdict.ok:
            self.verdict = verdict
            return ""
        return self._release(end)

    def finish(self) -> tuple[GuardVerdict, str]:
        """The verdict on the whole reply, and the text not shown yet (only when it passed)."""
        if self.failed:
            return self.verdict, ""
        verdict = self.judge(self.text, False)
        return verdict, self._release(len(self.text)) if verdict.ok else ""

    def _release(self, end: int) -> str:
        out, self.shown = self.text[self.shown:end], max(self.shown, end)
        return out
