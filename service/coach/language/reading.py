"""Deterministic reading of the rep's words: dates, measures, commitments, ratings, intents.

Used by the offline coach and by the flow (follow-ups, offers, skills audit), so both engines
understand the rep the same way. English only; tolerant rather than clever.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|" \
         r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
_WD = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri)"
DATE_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("day_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?: of)? " + _MONTH + r"\b", re.I)),
    ("month_day", re.compile(r"\b" + _MONTH + r" (\d{1,2})(?:st|nd|rd|th)?\b", re.I)),
    ("end_next_week", re.compile(r"\b(?:end of|by the end of) next week\b", re.I)),
    ("nth", re.compile(r"\b(?:by|on|before|until) the (\d{1,2})(?:st|nd|rd|th)\b", re.I)),
    ("next_weekday", re.compile(r"\bnext " + _WD + r"\b", re.I)),
    ("weekday", re.compile(r"\b(?:by|on|this|before|until|till|starting|from) " + _WD + r"\b", re.I)),
    ("end_month", re.compile(r"\b(?:end of (?:the |this )?month|month[- ]end)\b", re.I)),
    ("next_month", re.compile(r"\bnext month\b", re.I)),
    ("end_quarter", re.compile(r"\b(?:end of (?:the |this )?quarter|quarter[- ]end)\b", re.I)),
    ("next_week", re.compile(r"\bnext week\b", re.I)),
    ("this_week", re.compile(r"\b(?:this week|end of (?:the |this )?week)\b", re.I)),
    ("in_n", re.compile(r"\bin (\d+|a|one|two|three|four|five|six) (day|week|month)s?\b", re.I)),
    ("fortnight", re.compile(r"\b(?:in|within) a fortnight\b", re.I)),
    ("tomorrow", re.compile(r"\btomorrow\b", re.I)),
    ("today", re.compile(r"\b(?:today|tonight|end of (?:the )?day)\b", re.I)),
]
_WD_INDEX = {w[:3]: i for i, w in enumerate(WEEKDAYS)}


def _end_of_month(day: date, months_ahead: int = 0) -> date:
    year, month = day.year, day.month + months_ahead
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday(today: date, name: str, *, next_week: bool = False) -> date:
    target = _WD_INDEX[name.lower()[:3]]
    ahead = (target - today.weekday()) % 7 or 7
    found = today + timedelta(days=ahead)
    if next_week and found.isocalendar()[1] == today.isocalendar()[1]:
        found += timedelta(days=7)
    return found


def _resolve(kind: str, m: re.Match, today: date) -> date | None:
    if kind == "iso":
        return date(int(m[1]), int(m[2]), int(m[3]))
    if kind in ("day_month", "month_day"):
        day, month = (m[1], m[2]) if kind == "day_month" else (m[2], m[1])
        found = date(today.year, MONTHS[month.lower()], int(day))
        return found if found >= today - timedelta(days=31) else found.replace(year=today.year + 1)
    if kind in ("next_weekday", "weekday"):
        return _weekday(today, m[1], next_week=kind == "next_weekday")
    if kind == "end_month":
        return _end_of_month(today)
    if kind == "next_month":
        return _end_of_month(today, 1)
    if kind == "end_quarter":
        return _end_of_month(today, (3 - today.month % 3) % 3)
    if kind == "nth":
        found = date(today.year, today.month, 1)
        if int(m[1]) < today.day:
            found = _end_of_month(today) + timedelta(days=1)
        return found.replace(day=int(m[1]))
    if kind in ("next_week", "end_next_week"):
        return today + timedelta(days=7 - today.weekday() + 4)
    if kind == "this_week":
        return max(today, today + timedelta(days=4 - today.weekday()))
    if kind == "in_n":
        n = int(m[1]) if m[1].isdigit() else NUMBER_WORDS.get(m[1].lower(), 1)
        unit = m[2].lower()
        if unit == "month":
            return _end_of_month(today, n - 1) if n else today
        return today + timedelta(days=n * (7 if unit == "week" else 1))
    if kind == "fortnight":
        return today + timedelta(days=14)
    if kind == "tomorrow":
        return today + timedelta(days=1)
    return today


START = re.compile(r"\b(?:starting|start|from|beginning|as of|as from|commencing)\s+(?:on\s+)?"
                   r"(?:the\s+)?$", re.I)
START_IN = re.compile(r"^(?:starting|from)\b", re.I)


def is_start(text: str, m: re.Match) -> bool:
    """'starting next Monday', 'from the 1st': when the action begins, not when it is due."""
    return bool(START_IN.match(m.group(0)) or START.search(text[:m.start()]))


def find_date(text: str, today: date) -> tuple[date | None, str]:
    """The first due date mentioned, and the words that said it (a start date is no due date)."""
    best = None
    for kind, pattern in DATE_PATTERNS:
        for m in (m for m in pattern.finditer(text) if not is_start(text, m)):
            try:
                found = _resolve(kind, m, today)
            except (ValueError, KeyError):
                continue
            if best is None or m.start() < best[2]:
                best = (found, m.group(0).strip(), m.start())
            break
    return (best[0], best[1]) if best else (None, "")


MEASURE = re.compile(
    r"(?:[$€£]|\b(?:eur|usd|gbp|chf)\s?)\d[\d,.]*\s?k?\b"
    r"|\b\d[\d,.]*\s?(?:%|percent\b)"
    r"|\b(?:\d[\d,.]*k?|" + "|".join(list(NUMBER_WORDS)[2:]) + r")\s+(?:[a-z-]+\s+)?"
    r"[a-z][a-z-]+s\b", re.I)


def find_measure(text: str) -> str:
    """A number the rep can be held to ('3 meetings', '20%', 'EUR 5,000'), dates removed."""
    cleaned = text
    for _, pattern in DATE_PATTERNS:
        cleaned = pattern.sub(" ", cleaned)
    m = MEASURE.search(cleaned)
    return " ".join(m.group(0).split()) if m else ""


RATING = re.compile(r"\b([1-5])(?:\s*(?:/|out of|of)\s*5)\b|\b([1-5])\b(?!\s*(?:%|[a-z]{3,}s\b))"
                    r"|\b(one|two|three|four|five)\b(?!\s+[a-z]+s\b)", re.I)


def parse_rating(text: str) -> tuple[int, str] | None:
    """'I'd say 3/5, my discovery questions are too shallow' -> (3, 'my discovery ...')."""
    m = RATING.search(text)
    if not m:
        return None
    rating = int(m[1] or m[2]) if (m[1] or m[2]) else NUMBER_WORDS[m[3].lower()]
    note = (text[:m.start()] + " " + text[m.end():])
    note = re.sub(r"^\W*(?:i(?:'d| would) (?:say|give (?:it|myself)|rate (?:it|myself))"
                  r"(?: an?| about| around)?|probably(?: an?)?|maybe(?: an?)?|about(?: an?)?|"
                  r"around(?: an?)?|an?)\b\W*", "", " ".join(note.split()), flags=re.I)
    return rating, note.strip(" ,.-:;") or ""


ASKS = re.compile(
    r"\bwhat (?:should|would|do you think) (?:i|we|you)\b|\btell me what to\b|\bwhat do you "
    r"(?:suggest|recommend|advise)\b|\bany (?:advice|tips|ideas|suggestions)\b|\bjust tell me\b|"
    r"\bwhat(?:'s| is) the (?:answer|best way|right way)\b|\bcan you (?:suggest|recommend|tell me)\b|"
    r"\bgive me (?:the|an|some) (?:answer|idea|advice)\b|\bwhat would you do\b|\bhow should i\b",
    re.I)
YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|please|ok(?:ay)?|go (?:on|ahead)|that would help|"
                 r"sounds good|definitely|absolutely|why not|i'?d like that)\b", re.I)
NO = re.compile(r"^\W*(?:no|nope|nah|not really|i'?m fine|i'?ll figure)\b", re.I)
VAGUE = re.compile(r"\b(?:not sure|don'?t know|dunno|no idea|i guess|whatever|fine|ok(?:ay)?|"
                   r"the usual|same as (?:usual|always)|nothing|hard to say|maybe|kind of|sort of)\b",
                   re.I)


def asks_for_answer(text: str) -> bool:
    return bool(ASKS.search(text))


def says_yes(text: str) -> bool:
    return bool(YES.search(text)) and not NO.search(text)


def is_vague(text: str, below_words: int) -> bool:
    words = len(text.split())
    return words < below_words or (words < 15 and bool(VAGUE.search(text)))


DONE = re.compile(r"\b(?:done|did it|did that|completed|finished|went well|sent it|booked|"
                  r"closed|happened|managed|delivered|ticked off|all good|yes)\b", re.I)
DROPPED = re.compile(r"\b(?:dropp?ed|no longer|not relevant|cancell?ed|abandon\w*|decided not to|"
                     r"not going to|gave up|won'?t (?:do|pursue)|scrapp?ed|parked it)\b", re.I)
NOT_DONE = re.compile(r"\b(?:not yet|didn'?t|did not|haven'?t|have not|couldn'?t|no time|"
                      r"ran out of time|partly|partially|half|still|slipped|postponed|not done|"
                      r"no\b)", re.I)


def classify_follow_up(text: str) -> str:
    """done | open (not done yet) | dropped, from the rep's account of a due commitment.

    The first sentence decides when it says ('I booked two of the three. ... so I parked the
    third' is done); otherwise the whole answer."""
    first = re.split(r"(?<=[.!?;])\s+|\s+-\s+", text.strip(), maxsplit=1)[0]
    for part in (first, text):
        if DROPPED.search(part):
            return "dropped"
        if NOT_DONE.search(part):
            return "open"
        if DONE.search(part):
            return "done"
    return "open"
