"""The guard's checks of substance: what a reply says against what was said before it.

The shape checks (guard.py) read a reply alone. These read it beside the session: the questions
the coach already asked, the prompt it was given (instructions, the data block, the guidance, a
correction), the rep's last message, and what the turn must do. Each finding is one reason, named
by what the rep would notice: a repeat, stacked asks, copied text, an echo, too many words
(advice put as a question is telling: guard.py). The words they look for come from the
language's guard.toml ([questions]); the limits below are the same in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .language import ENGLISH, Language

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
QUOTED = re.compile(r"(?<!\w)'[^'\n]+'(?!\w)")  # 'a quotation', never the apostrophe in rep's
NEAR = 0.85         # share of content words two long questions have in common to be one
LONG = 6            # ... question; a long one has at least this many content words
COPIED_WORDS = 8    # consecutive words shared with the prompt that make a reply copied text
ECHO_WORDS = 10     # consecutive words of the rep's last message said back verbatim
# the most words a reply may have, by the flow's intent: the idea the rep accepted and the offer
# need a sentence more; everything else is a short reflection and one question
CAPS = {"idea": 60, "turn_back": 35, "steer": 35}
CAP = 45
# against the rep's own message: a reply may have a floor of words whatever the rep wrote
# (figures to set out, a commitment said back), past it no more than this many times the rep's
RELATIVE_FLOOR = 35
RELATIVE = 1.0


@dataclass(frozen=True)
class Said:
    """What a reply is judged against. ``asked``: the coach's earlier texts this session;
    ``prompt``: the instructions the engine was given (the system prompt, the guidance, a
    correction); ``data``: the data block's own wording (its records and figures are there to
    be cited, prompt/context_block.py); ``rep``: the rep's last message ("" at the opening);
    ``intent``: what the flow decided this turn must do; ``said_back``: the record the flow
    reads back to the rep this turn (their dated commitments), not an echo."""

    asked: tuple[str, ...] = ()
    prompt: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    rep: str = ""
    intent: str = "ask"
    said_back: str = ""


def words(text: str) -> list[str]:
    return [w.replace("\u2019", "'") for w in WORD.findall(text.lower())]


@lru_cache(maxsize=4096)
def _word_tuple(text: str) -> tuple[str, ...]:
    """``words``, kept: the prompt and the earlier questions are read again every sentence."""
    return tuple(words(text))


@lru_cache(maxsize=256)
def _grams(text: str, least: int) -> dict[tuple[str, ...], list[int]]:
    theirs = _word_tuple(text)
    starts: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(theirs) - least + 1):
        starts.setdefault(theirs[j:j + least], []).append(j)
    return starts


def _normal(text: str) -> str:
    return " ".join(words(text))


def _questions(text: str, sentences) -> list[str]:
    return [s for s in sentences(text) if s.endswith("?")]


def repeated(question: str, said: Said, sentences, lang: Language = ENGLISH) -> str | None:
    """An earlier question this one repeats: word for word, or nearly - the same content
    words, the little ones and their order aside ('What do you make of this?' after '... of
    that?'), or in a long question all but one of them. The same frame with another subject is
    a new question ('How would you rate your closing?' after '... your prospecting?')."""
    mine = words(question)
    if not mine:
        return None
    stop = lang.guard.questions.little_words
    content = {w for w in mine if w not in stop}
    for text in said.asked:
        for earlier in _questions(text, sentences):
            theirs = list(_word_tuple(earlier))
            if theirs == mine:
                return earlier
            other = {w for w in theirs if w not in stop}
            if len(content) < 2 or not other:
                continue
            overlap = len(content & other) / len(content | other)
            if overlap == 1 or (min(len(content), len(other)) >= LONG and overlap >= NEAR):
                return earlier
    return None


@cache
def _asks(lang: Language) -> re.Pattern:
    """An ask opening the text: an open start or a closed one, as a whole word."""
    said = lang.guard.questions
    starts = sorted([*said.open_starts, *said.closed_starts], key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in starts) + r"(?:(?<!\w)|(?!\w))", re.I)


def _ask_end(text: str, lang: Language) -> int | None:
    """Where the question's ask word ends: the one opening it, or opening the first clause
    after a comma ('Looking at your ratings, where ...'); None when no clause opens with one."""
    lead = lang.guard.questions.open_lead_ins.match(text)
    starts = [lead.end() if lead else 0] + [m.end() for m in re.finditer(r",\s*", text)]
    for at in starts:
        found = _asks(lang).match(text, at + (text[at:at + 1] in "\u00bf"))
        if found:
            return found.end()
    return None


def stacked_asks(question: str, lang: Language = ENGLISH) -> list[str]:
    """The asks after the first one behind this question mark (empty when it asks one thing).
    'Who or what' is one ask. Two halves opening with the same ask word ('Which do we help
    with, and which not?') are two asks too: the rep answers one and the other is lost, and the
    eval's listening figures count them so (service/evaluation/listening.py)."""
    text = question.lower().replace("\u2019", "'")
    end = _ask_end(text, lang)
    if end is None:
        return []
    rest = text[end:]
    found = sorted((m for rx in lang.guard.questions.stacked for m in rx.finditer(rest)),
                   key=lambda m: m.start())
    asks, end = [], -1
    for m in found:
        if m.start() < end:
            continue  # two patterns on the same join
        end = m.end()
        if m.start() == 0:
            continue  # 'who or what', 'how and why': one ask with two words
        asks.append(m.group("ask"))
    return asks


def shared_run(text: str, source: str, least: int, mine: tuple[str, ...] | None = None) -> str:
    """The longest run of at least ``least`` consecutive words ``text`` (or its words
    ``mine``) shares with ``source`` ("" when none)."""
    mine = _word_tuple(text) if mine is None else mine
    theirs = _word_tuple(source)
    if len(theirs) < least:
        return ""
    starts = _grams(source, least)
    best: tuple[str, ...] = ()
    for i in range(len(mine) - least + 1):
        for j in starts.get(mine[i:i + least], ()):
            n = least
            while i + n < len(mine) and j + n < len(theirs) and mine[i + n] == theirs[j + n]:
                n += 1
            if n > len(best):
                best = mine[i:i + n]
    return " ".join(best)


@lru_cache(maxsize=256)
def _unquoted(instruction: str) -> str:
    return QUOTED.sub(" ", instruction)


def copied(text: str, said: Said) -> str:
    """Words copied from the instructions or the data block's own wording. What an
    instruction quotes ('...') is left out: a correction quotes the draft it rejected, and
    saying that again is a repeat or an echo, found as such."""
    mine = tuple(words(text))
    for source in (*(_unquoted(p) for p in said.prompt), *said.data):
        run = shared_run(text, source, COPIED_WORDS, mine)
        if run:
            return run
    return ""


def cap(said: Said) -> int:
    """The most words this reply may have."""
    most = CAPS.get(said.intent, CAP)
    rep = len(words(said.rep))
    if rep:
        most = min(most, max(RELATIVE_FLOOR, int(rep * RELATIVE)))
    return most


def findings(body: str, said: Said, lang: Language, sentences) -> list[str]:
    """The reasons this reply fails on substance (empty when it does not)."""
    reasons = []
    questions = _questions(body, sentences)
    for question in questions:
        earlier = repeated(question, said, sentences, lang)
        if earlier:
            reasons.append(f"repeat: '{earlier}' was asked earlier; ask something new")
            break
    for question in questions:
        more = stacked_asks(question, lang)
        if more:
            reasons.append(f"stacked asks ({', '.join(more)}): ask one thing at a time")
            break
    own = body.replace(said.said_back, " ") if said.said_back else body
    run = copied(own, said)
    if run:
        reasons.append(f"copied text from the instructions or data ('{run}'): use your own words")
    echo = shared_run(own, said.rep, ECHO_WORDS) if said.rep else ""
    if echo:
        reasons.append(f"echo of the rep ('{echo}'): say it back briefly, in your own words")
    count, most = len(words(body)), cap(said)
    if count > most:
        reasons.append(f"too long ({count} words, at most {most}): the rep should do the talking")
    return reasons
