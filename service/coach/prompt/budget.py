"""Token counting and the prompt budget.

Counting is offline and deterministic: text is cut into word pieces with a regex (words,
numbers, punctuation), and a long word costs one token per ~4 characters, which tracks BPE
tokenisers on English prose within about 10-15%. Each chat message adds a small overhead.

Keeping the prompt under budget (``fit``): the system and data messages always stay; the most
recent turns are kept whole, newest first, while they fit; older turns are folded into the
session's ``digest`` (the first words of each folded turn, one short line each). The digest
itself is capped at a quarter of the budget by dropping its oldest lines. A single message too
long on its own is cut in the middle.
The same fold is used whatever engine runs, so a session behaves the same offline and online.
"""

from __future__ import annotations

import re
from functools import lru_cache

PIECE = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]", re.UNICODE)
MESSAGE_OVERHEAD = 4


def count_tokens(text: str) -> int:
    return _count(text or "")


@lru_cache(maxsize=4096)  # the same prompt pieces are counted many times per turn
def _count(text: str) -> int:
    total = 0
    for piece in PIECE.findall(text):
        if piece[0].isdigit():
            total += (len(piece) + 2) // 3
        elif piece[0].isalpha():
            total += 1 + max(0, len(piece) - 6) // 4
        else:
            total += 1
    return total


def count_messages(messages: list[dict]) -> int:
    return sum(count_tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages) + 2


def clip(text: str, max_tokens: int) -> str:
    """Cut a too-long text in the middle, keeping its start and its end."""
    if count_tokens(text) <= max_tokens:
        return text
    words = text.split()
    keep = max(2, max_tokens // 2)

    def cut(n: int) -> str:
        return " ".join(words[:n]) + " [...] " + " ".join(words[-n:])

    while keep > 1 and count_tokens(cut(keep)) > max_tokens:
        keep = keep * 3 // 4
    return cut(keep)


def first_words(text: str, words: int = 18) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def fold_lines(turns: list[dict]) -> list[str]:
    """One line per turn: 'Coach asked: ...' / 'Rep said: ...' (stage in brackets)."""
    lines = []
    for turn in turns:
        who = "Coach asked" if turn["role"] == "coach" else "Rep said"
        stage = f"[{turn.get('stage')}] " if turn.get("stage") else ""
        lines.append(f"{stage}{who}: {first_words(turn['text'])}")
    return lines


def cap_digest(digest: str, max_tokens: int) -> str:
    lines = [line for line in digest.splitlines() if line.strip()]
    while lines and count_tokens("\n".join(lines)) > max_tokens:
        lines.pop(0)
    return "\n".join(lines)


def _memo(render_head):
    done: dict[str, list[dict]] = {}

    def render(digest: str) -> list[dict]:
        if digest not in done:
            done[digest] = render_head(digest)
        return done[digest]

    return render


def fit(head: list[dict], turns: list[dict], budget: int, *, digest: str = "",
        render_head=None) -> tuple[list[dict], int, str]:
    """Choose the turns that fit.

    ``head`` are the leading system messages; ``render_head(digest)`` rebuilds them when the
    digest changes (the digest lives in the data block). ``turns`` are chat messages
    ({"role", "content", "stage"}), oldest first. Returns (messages, how many of ``turns`` were
    folded, the new digest).
    """
    if render_head is not None:  # the same digest renders the same head: render it once
        render_head = _memo(render_head)
    bare = count_messages(render_head("") if render_head else head)
    # the digest gets what is left after the instructions, the data and room for the last turn
    digest_cap = max(0, min(budget // 4, budget - bare - 120))
    digest = cap_digest(digest, digest_cap)
    per_message = max(40, budget // 3)
    chat = [{"role": t["role"], "content": clip(t["content"], per_message)} for t in turns]
    folded = 0
    while True:
        head_now = render_head(digest) if render_head else head
        messages = head_now + chat[folded:]
        if count_messages(messages) <= budget or folded >= len(chat) - 1:
            break
        step = 2 if folded + 2 <= len(chat) - 1 else 1
        lines = fold_lines([{"role": "coach" if t["role"] == "assistant" else "rep",
                             "text": t["content"], "stage": t.get("stage")}
                            for t in turns[folded:folded + step]])
        digest = cap_digest("\n".join([digest, *lines]).strip(), digest_cap)
        folded += step
    if count_messages(messages) > budget and len(messages) > len(head_now):
        room = budget - count_messages(messages[:-1]) - MESSAGE_OVERHEAD
        last = messages[-1]
        messages = [*messages[:-1], {**last, "content": clip(last["content"], max(30, room))}]
    return messages, folded, digest
