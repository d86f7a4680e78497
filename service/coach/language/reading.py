"""Deterministic reading of the rep's words: dates, commitments, ratings, intents.

Used by the offline coach and by the flow (follow-ups, offers, skills audit), so both engines
understand the rep the same way. The words come from the language's lexicon.toml (English
unless ``lang`` says otherwise); tolerant rather than clever.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from . import ENGLISH, Language
from .schema import DATE_KINDS


def date_patterns(lang: Language = ENGLISH) -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) in the order they are tried."""
    return [(kind, getattr(lang.lexicon.dates, kind)) for kind in DATE_KINDS]


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


def _end_of_month(day: date, months_ahead: int = 0) -> date:
    year, month = day.year, day.month + months_ahead
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday(today: date, target: int, *, next_week: bool = False) -> date:
    ahead = (target - today.weekday()) % 7 or 7
    found = today + timedelta(days=ahead)
    if next_week and found.isocalendar()[1] == today.isocalendar()[1]:
        found += timedelta(days=7)
    return found


def _resolve(kind: str, m: re.Match, today: date, lang: Language) -> date | None:
    names = lang.lexicon.calendar
    if kind == "iso":
        return date(int(m["year"]), int(m["month"]), int(m["day"]))
    if kind in ("day_month", "month_day"):
        found = date(today.year, names.months.number(m["month"]) + 1, int(m["day"]))
        return found if found >= today - timedelta(days=31) else found.replace(year=today.year + 1)
    if kind in ("next_weekday", "weekday"):
        return _weekday(today, names.weekdays.number(m["weekday"]),
                        next_week=kind == "next_weekday")
    if kind == "end_month":
        return _end_of_month(today)
    if kind == "next_month":
        return _end_of_month(today, 1)
    if kind == "end_quarter":
        return _end_of_month(today, (3 - today.month % 3) % 3)
    if kind == "nth":
        found = date(today.year, today.month, 1)
        if int(m["day"]) < today.day:
            found = _end_of_month(today) + timedelta(days=1)
        return found.replace(day=int(m["day"]))
    if kind in ("next_week", "end_next_week"):
        return today + timedelta(days=7 - today.weekday() + 4)
    if kind == "this_week":
        return max(today, today + timedelta(days=4 - today.weekday()))
    if kind in ("in_days", "in_weeks", "in_months"):
        n = _number(m["n"], lang, default=1)  # 'in a week'
        if kind == "in_months":
            return _end_of_month(today, n - 1) if n else today
        return today + timedelta(days=n * (7 if kind == "in_weeks" else 1))
    if kind == "fortnight":
        return today + timedelta(days=14)
    if kind == "tomorrow":
        return today + timedelta(days=1)
    return today


def is_start(text: str, m: re.Match, lang: Language = ENGLISH) -> bool:
    """'starting next Monday', 'from the 1st': when the action begins, not when it is due."""
    dates = lang.lexicon.dates
    return bool(dates.starts_with.match(m.group(0)) or dates.starts_before.search(text[:m.start()]))


def find_date(text: str, today: date, lang: Language = ENGLISH) -> tuple[date | None, str]:
    """The first due date mentioned, and the words that said it (a start date is no due date)."""
    best = None
    for kind, pattern in date_patterns(lang):
        for m in (m for m in pattern.finditer(text) if not is_start(text, m, lang)):
            try:
                found = _resolve(kind, m, today, lang)
            except (ValueError, KeyError):
                continue
            if best is None or m.start() < best[2]:
                best = (found, m.group(0).strip(), m.start())
            break
    return (best[0], best[1]) if best else (None, "")


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
