"""Record accuracy: what a confirmed session stored, measured against the script's ``expect``.

The record is what a manager acts on, so it is read back from the database after the eval has
confirmed the session as the rep would: each due commitment's follow-up answer, the skill
assessment's ratings, the session's commitments and its summary. An expected item is *right*
when it is stored exactly as the rep gave it; an *unrequested* item is one stored that no
expectation names (a rating, a follow-up answer, a commitment nobody gave); a *leak* is a
``summary_never`` phrase found in the summary or its help line.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from sqlalchemy import select

from models import CoachingSession, Commitment, SkillAssessment

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DUE_KEYS = ("due_in_days", "due_weekday", "due_day_of_month", "due_month_end")


class ExpectError(ValueError):
    """The expect block itself is wrong (an unknown weekday, a follow-up of no due commitment)."""


def expected_due(item: dict, today: date) -> tuple[bool, date | None]:
    """(whether the item names a due date, the date), resolved from today: ``due_in_days`` (null:
    no date), ``due_weekday`` ('friday': the first Friday after today; 'next friday': the Friday
    of next week), ``due_day_of_month`` (the next such day, today included) and
    ``due_month_end`` (0: the last day of this month, 1: of next month)."""
    key = next((k for k in DUE_KEYS if k in item), None)
    if key is None:
        return False, None
    value = item[key]
    if value is None:
        return True, None
    if key == "due_in_days":
        return True, today + timedelta(days=int(value))
    if key == "due_weekday":
        words = str(value).lower().split()
        if not words or words[-1] not in WEEKDAYS or words[:-1] not in ([], ["next"]):
            raise ExpectError(f"due_weekday {value!r}: say a weekday, or 'next' and a weekday")
        target = WEEKDAYS.index(words[-1])
        if words[0] == "next":
            return True, today + timedelta(days=7 - today.weekday() + target)
        return True, today + timedelta(days=(target - today.weekday()) % 7 or 7)
    if key == "due_day_of_month":
        year, month = today.year, today.month
        if int(value) < today.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return True, date(year, month, int(value))
    year, month = today.year, today.month + int(value)
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return True, date(year, month, monthrange(year, month)[1])


def _check(kind: str, label: str, ok: bool, expected: str, stored: str) -> dict:
    return {"kind": kind, "item": label, "ok": ok, "expected": expected, "stored": stored}


def _follow_ups(s, expect: list[dict], due_ids: list[int]) -> tuple[list[dict], list[str]]:
    due = [s.get(Commitment, i) for i in due_ids]
    checks, named = [], set()
    for item in expect:
        found = next((c for c in due if item["text_contains"].lower() in c.text.lower()), None)
        if found is None:
            raise ExpectError(f"follow_ups: no due commitment contains {item['text_contains']!r}")
        named.add(found.id)
        want = item.get("status") or ""
        checks.append(_check("follow-up", item["text_contains"], found.follow_up == want,
                             want or "no answer", found.follow_up or "no answer"))
    return checks, [f"follow-up {c.follow_up} on {c.text!r}" for c in due
                    if c.id not in named and c.follow_up]


def _ratings(s, row: CoachingSession, expect: list[dict]) -> tuple[list[dict], list[str]]:
    assessment = s.scalar(select(SkillAssessment).where(SkillAssessment.session_id == row.id))
    stored = [(r.skill, r.rating) for r in (assessment.ratings if assessment else [])]
    checks = []
    for item in expect:
        got = [rating for skill, rating in stored if skill == item["skill"]]
        checks.append(_check("rating", item["skill"], got == [item["rating"]],
                             str(item["rating"]), ", ".join(map(str, got)) or "no rating"))
    named = {item["skill"] for item in expect}
    return checks, [f"rating {skill} {rating}" for skill, rating in stored if skill not in named]


def _shown(field: str, value) -> str:
    if field == "due":
        return f"due {value.isoformat() if value else 'none'}"
    if field == "measure":
        return f"measure {value!r}" if value else "measure none"
    return f"kind {value}"


def _commitments(row: CoachingSession, expect: list[dict],
                 today: date) -> tuple[list[dict], list[str]]:
    """Each expected commitment is matched to the first stored one not yet matched whose text
    holds its words; only the fields it names are compared (a null measure: none stored)."""
    stored, matched, checks = list(row.commitments), set(), []
    for item in expect:
        words = item["text_contains"]
        found = next((c for c in stored if c.id not in matched
                      and words.lower() in c.text.lower()), None)
        has_due, due = expected_due(item, today)
        want = {"due": due} if has_due else {}
        want.update({k: item[k] or "" for k in ("measure", "kind") if k in item})
        if found is None:
            checks.append(_check("commitment", words, False,
                                 ", ".join(_shown(k, v) for k, v in want.items()) or "it",
                                 "nothing"))
            continue
        matched.add(found.id)
        got = {"due": found.due_date, "measure": found.measure, "kind": found.kind}
        wrong = [k for k, v in want.items() if not (
            v.lower() in got[k].lower() and bool(v) == bool(got[k]) if k == "measure"
            else v == got[k])]
        checks.append(_check(
            "commitment", words, not wrong, ", ".join(_shown(k, want[k]) for k in wrong),
            f"{', '.join(_shown(k, got[k]) for k in wrong)} (in {found.text!r})"))
    return checks, [f"commitment {c.text!r}" for c in stored if c.id not in matched]


def measure(s, row: CoachingSession, expect: dict | None, due_ids: list[int],
            today: date) -> dict | None:
    """The record's figures for one confirmed session; None when the script expects nothing."""
    if expect is None:
        return None
    parts = [_follow_ups(s, expect.get("follow_ups", []), due_ids),
             _ratings(s, row, expect.get("ratings", [])),
             _commitments(row, expect.get("commitments", []), today)]
    checks = [check for found, _ in parts for check in found]
    unrequested = [item for _, extra in parts for item in extra]
    text = f"{row.summary}\n{row.help_asked}".lower()
    leaks = [phrase for phrase in expect.get("summary_never", []) if phrase.lower() in text]
    right = sum(1 for c in checks if c["ok"])
    return {"expected": len(checks), "right": right, "checks": checks,
            "unrequested": unrequested, "leaks": leaks,
            "ok": right == len(checks) and not unrequested and not leaks}
