"""Deterministic reading of the rep's words: ratings, intents, follow-up outcomes (dates are
in dates.py, commitments in commitments.py).

Used by the offline coach and by the flow (follow-ups, offers, skills audit), so both engines
understand the rep the same way. The words come from the language's lexicon.toml (English
unless ``lang`` says otherwise); tolerant rather than clever.
"""

from __future__ import annotations

import re

from . import ENGLISH, Language
from .dates import date_patterns, find_date, is_start  # noqa: F401 - their home before dates.py


def _number(word: str, lang: Language, default: int | None = None) -> int:
    """Digits or a number word ('three'); ``default`` for a word the lexicon lacks."""
    if word.isdigit():
        return int(word)
    numbers = lang.lexicon.calendar.numbers
    if word.lower() in numbers:
        return numbers.index(word.lower())
    if default is None:
        raise KeyError(word)
    return default


def parse_rating(text: str, lang: Language = ENGLISH) -> tuple[int, str] | None:
    """'I'd say 3/5, my discovery questions are too shallow' -> (3, 'my discovery ...')."""
    reading = lang.lexicon.reading
    m = reading.rating.search(text)
    if not m:
        return None
    rating = _number(next(g for g in m.groups() if g), lang)
    note = (text[:m.start()] + " " + text[m.end():])
    note = reading.rating_lead.sub("", " ".join(note.split()))
    return rating, note.strip(" ,.-:;") or ""


def asks_for_answer(text: str, lang: Language = ENGLISH) -> bool:
    return bool(lang.lexicon.reading.asks_for_answer.search(text))


def is_injection(text: str, lang: Language = ENGLISH) -> bool:
    """The rep writes to the coach's instructions (or the summary) rather than answering."""
    return bool(lang.lexicon.reading.injection.search(text))


def feels_strain(text: str, lang: Language = ENGLISH) -> bool:
    """Stress or trouble at home, said in passing or outright."""
    return bool(lang.lexicon.reading.feelings.search(text))


def claims_on_target(text: str, lang: Language = ENGLISH) -> bool:
    """'I'd say I'm at quota': a claim the figures can confirm or not."""
    return bool(lang.lexicon.reading.on_target.search(text))


def asks_help(text: str, lang: Language = ENGLISH) -> bool:
    """'It would help if my manager joined': a request for help, which commits to nothing."""
    return bool(lang.lexicon.commitments.help.search(text))


def needs_no_help(text: str, lang: Language = ENGLISH) -> bool:
    """'I don't need any help': an answer to the help question, not a vague one."""
    return bool(lang.lexicon.summary.no_help.search(text))


def says_yes(text: str, lang: Language = ENGLISH) -> bool:
    reading = lang.lexicon.reading
    return bool(reading.yes.search(text)) and not reading.no.search(text)


def is_vague(text: str, below_words: int, lang: Language = ENGLISH) -> bool:
    words = len(text.split())
    return words < below_words or (words < 15 and bool(lang.lexicon.reading.vague.search(text)))


def classify_follow_up(text: str, lang: Language = ENGLISH) -> str:
    """done | partly | not_yet | dropped | unclear, read from the rep's account of a due
    commitment: a proposal the rep confirms, never a record by itself.

    Some of it done decides first; then the first sentence when it says ('I booked it. The
    second one slipped' is done); otherwise the whole answer. Nothing recognised is unclear
    (another language, another subject): the rep picks at the end."""
    said = lang.lexicon.follow_up
    if said.partly.search(text):
        return "partly"
    first = re.split(r"(?<=[.!?;])\s+|\s+-\s+", text.strip(), maxsplit=1)[0]
    for part in (first, text):
        if said.dropped.search(part):
            return "dropped"
        if said.not_done.search(part):
            return "not_yet"
        if said.done.search(part):
            return "done"
    return "unclear"


CLAUSES = re.compile(r"(?<=[.!?;])\s+|,\s+(?:and\s+)?|\s+and\s+|\s+but\s+")
NEAR = 6  # words between a skill's name and the number that rates it


def _names(skill: str) -> list[str]:
    """The stems a rep may name a skill by: its words of five letters or more, cut to six."""
    return [w[:6] for w in re.findall(r"[a-z]+", skill.lower()) if len(w) >= 5]


def _skill_near(clause: str, at: int, skills: list[str], current: str | None) -> str | None:
    """The skill named within NEAR words of the number at ``at``: the one being asked when it is
    named too, else the nearest; None when none is."""
    words = [(m.start(), m.group(0)[:6]) for m in re.finditer(r"[a-z]+", clause.lower())]
    index = sum(1 for start, _ in words if start < at)
    near = {stem: abs(i - index) for i, (_, stem) in enumerate(words) if abs(i - index) <= NEAR}
    named = sorted((min(near[stem] for stem in _names(s) if stem in near), s)
                   for s in skills if any(stem in near for stem in _names(s)))
    if current is not None and any(s == current for _, s in named):
        return current
    return named[0][1] if named else None


def ratings_in(text: str, skills: list[str], current: str | None,
               lang: Language = ENGLISH) -> list[dict]:
    """Every 1-5 rating in the answer, for the skill named next to it, else for ``current``
    (the skill being asked): 'Closing I'd give a 3, discovery maybe a 4' gives closing 3 and
    discovery 4 whatever was asked. A number word counts only where it reads as a rating ('maybe
    a four', not 'the other one'); a skill's first rating in the answer stands. Each note is the
    rep's words around the number. Proposals, never records by themselves."""
    found: dict[str, dict] = {}
    reading = lang.lexicon.reading
    sentences = [p for p in re.split(r"(?<=[.!?;])\s+", " ".join(text.split())) if p]
    for sentence in sentences:
        matches = list(reading.rating.finditer(sentence))
        clauses = [sentence] if len(matches) <= 1 else [c for c in CLAUSES.split(sentence) if c]
        for clause in clauses:
            m = next((m for m in reading.rating.finditer(clause)
                      if not m.group(0).isalpha() or reading.rating_word_cue.search(
                          clause[:m.start()]) or len(clause.split()) <= 3), None)
            if m is None:
                continue
            skill = _skill_near(clause, m.start(), skills, current) or current
            if skill is None or skill in found:
                continue
            around = (reading.rating_trail.sub("", clause[:m.start()]).strip(" ,.;:-"),
                      reading.rating_lead.sub("", clause[m.end():].strip(" ,.;:-")).strip(" ,.;:-"))
            found[skill] = {"skill": skill, "value": _number(next(g for g in m.groups() if g), lang),
                            "note": ", ".join(p for p in around if p)}
    return list(found.values())
