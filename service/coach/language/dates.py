"""Due dates in the rep's words, resolved to real dates relative to the session's today.

The language's lexicon says *where* a date is said (its [dates] patterns: a phrase-finder that
knows 'starting Monday' is a start and 'a Monday block' no date at all); dateparser says *which
day* a phrase means ('Friday', 'next Wednesday', 'in two weeks', '4 December', 'mañana'), read
in the language's ``dates.locale`` only. dateparser's own free-text search is not used: it
reads '20 new calls' as the 20th and 'three years' as a date.

A few kinds stay rules, because dateparser has no phrase for them or means another day:
- a period ('end of month', 'end of next week', 'next week', 'this week', 'end of quarter',
  'next month') is due on its last working day or last day; dateparser has no 'end of'
  and reads 'next week' as today + 7;
- 'next Wednesday' said on a Monday is the Wednesday of next week: dateparser gives the coming
  one, the same day as plain 'Wednesday', losing what the rep told apart;
- 'by the 5th': dateparser reads '5th' as May and 'the 15th' as a day in the past.

dateparser is imported on the first date read (it costs ~0.15 s, the first parse as much
again to load one locale), never at import of the coach; it reads nothing from the network.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from . import ENGLISH, Language
from .schema import DATE_KINDS


def date_patterns(lang: Language = ENGLISH) -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) in the order they are tried."""
    return [(kind, getattr(lang.lexicon.dates, kind)) for kind in DATE_KINDS]


def _end_of_month(day: date, months_ahead: int = 0) -> date:
    year, month = day.year, day.month + months_ahead
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _friday(day: date, weeks_ahead: int = 0) -> date:
    """The Friday of ``day``'s week (``weeks_ahead`` later), never before ``day``."""
    return max(day, day + timedelta(days=4 - day.weekday() + 7 * weeks_ahead))


PERIODS = {  # the last working day (or last day) of the period the rep named
    "end_next_week": lambda today: _friday(today, 1), "next_week": lambda today: _friday(today, 1),
    "this_week": _friday, "end_month": _end_of_month,
    "next_month": lambda today: _end_of_month(today, 1),
    "end_quarter": lambda today: _end_of_month(today, (3 - today.month % 3) % 3),
    "today": lambda today: today,
}


@lru_cache(maxsize=64)
def parse(phrase: str, today: date, locale: str) -> date | None:
    """The day ``phrase`` names, in ``locale`` only, from ``today``: the future when it could
    be either ('Friday' said on a Friday is next week's). None when dateparser cannot tell."""
    import dateparser  # deferred: see the module docstring

    found = dateparser.parse(phrase, languages=[locale], settings={
        "PREFER_DATES_FROM": "future", "RELATIVE_BASE": datetime.combine(today, time(12)),
        "TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": False})
    return found.date() if found else None


def _digits(text: str, lang: Language) -> str:
    """Number words as digits ('en dos semanas' -> 'en 2 semanas'): dateparser knows the
    digits in every locale, not every locale's words."""
    numbers = lang.lexicon.calendar.numbers
    return re.sub(r"\b\w+\b", lambda m: str(numbers.index(m.group(0).lower()))
                  if m.group(0).lower() in numbers else m.group(0), text)


def _said(m: re.Match) -> str:
    """The words dateparser reads: the pattern's ``when`` group when it has one."""
    return m["when"] if "when" in m.re.groupindex and m["when"] else m.group(0)


def _resolve(kind: str, m: re.Match, today: date, lang: Language) -> date | None:
    locale = lang.lexicon.dates.locale
    if kind in PERIODS:
        return PERIODS[kind](today)
    if kind == "nth":
        found = date(today.year, today.month, 1)
        if int(m["day"]) < today.day:
            found = _end_of_month(today) + timedelta(days=1)
        return found.replace(day=int(m["day"]))
    if kind == "weekdays":  # 'Tuesday and Friday': done by the later of the two
        names = lang.lexicon.calendar.weekdays
        days = [parse(w, today, locale) for w in re.findall(names.alternation(), _said(m), re.I)]
        return max((d for d in days if d), default=None)
    found = parse(_digits(_said(m), lang), today, locale)
    if found and kind == "next_weekday" and found.isocalendar()[:2] == today.isocalendar()[:2]:
        found += timedelta(days=7)
    return found


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
            if found is None:
                continue
            if best is None or m.start() < best[2]:
                best = (found, m.group(0).strip(), m.start())
            break
    return (best[0], best[1]) if best else (None, "")
