"""Commitments in the rep's own words: one per action, with its kind, due date and measure.

'I will book a meeting with the Fabrikam CFO by Friday and qualify my top 3 deals with MEDDIC
by next week, measured by 3 economic buyer meetings booked.' gives two commitments: 'Book a
meeting with the Fabrikam CFO' (due the coming Friday) and 'Qualify my top 3 deals with
MEDDIC' (due the Friday of next week, measure '3 economic buyer meetings booked').
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from . import ENGLISH, Language
from .dates import date_patterns, find_date, is_start
from .schema import VERB_KINDS

# a colon starts a sentence too: 'My focus is Fabrikam: I will book the CFO by Friday'
SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\n+|\s*(?:^|\s)[-*\u2022]\s+")


@cache
def _verb(lang: Language) -> str:
    """Any commitment verb, as a regex a commitment's words must start with."""
    verbs = lang.lexicon.commitments
    return rf"(?:{'|'.join(getattr(verbs, kind) for kind in VERB_KINDS)})\b"


def strip_dates(text: str, lang: Language = ENGLISH) -> str:
    """The text with every due-date phrase (and its 'by'/'on'...) removed. A list of weekdays
    stays: 'Tuesday and Friday' says when the action happens, not only when it is due."""
    for kind, pattern in date_patterns(lang):
        if kind != "weekdays":
            text = pattern.sub(lambda m: m.group(0) if is_start(m.string, m, lang) else "\0", text)
    text = re.sub(lang.lexicon.commitments.before_date.pattern + r"\0", "", text, flags=re.I)
    text = re.sub(r"\s*,(?:\s*,)+", ",", text.replace("\0", ""))  # 'prospecting, , 20 calls'
    return " ".join(text.split()).strip(" ,;:-")


def _measure(clause: str, lang: Language) -> tuple[str, str]:
    """(measure, clause without it when it was said apart: 'measured by ...', ', 20 new calls
    each time'). A count is a measure only with its cue or outcome (see the lexicon's count)."""
    said = lang.lexicon.commitments
    lead = said.measure_lead.search(clause)
    if lead:
        return strip_dates(lead["measure"], lang).strip(" .,"), clause[:lead.start()]
    text = strip_dates(clause, lang)
    for m in said.count.finditer(text):
        cue = said.measure_cue.search(text[:m.start()])
        tail = said.measure_tail.match(text[m.end():])
        if not (cue or tail):
            continue
        start, end = (cue.start() if cue else m.start()), m.end() + (tail.end() if tail else 0)
        measure = " ".join(text[start:end].split())
        if text[:start].rstrip().endswith(","):
            return measure, text[:start] + text[end:]
        return measure, clause
    return "", clause


def _kind(core: str, lang: Language) -> str:
    for kind in VERB_KINDS[:-1]:
        if re.match(rf"(?:{getattr(lang.lexicon.commitments, kind)})\b", core, re.I):
            return kind
    return "action"


def _clean(clause: str, lang: Language) -> str:
    core = clause.strip(" ,.;:-")
    for _ in range(3):
        core = lang.lexicon.commitments.lead_in.sub("", core).strip(" ,.;:-")
    # written the way a commitment is: 'enviaré el plan' -> 'enviar el plan'
    return lang.lexicon.commitments.base_form.sub(lambda m: m["base"], core, count=1)


def commitments_in(text: str, today: date, *, strict: bool = False,
                   lang: Language = ENGLISH) -> list[dict]:
    """Every action the rep committed to in one answer: text, due_date, measure, kind.

    ``strict`` (answers outside a planning stage): only first-person future actions
    ('I will', 'I'll', 'going to'...) that carry a date or a measure.
    """
    said, verb = lang.lexicon.commitments, _verb(lang)
    found: list[dict] = []
    for sentence in SENTENCES.split(" ".join((text or "").split())):
        if not sentence.strip() or said.help.search(sentence):
            continue
        promised = bool(said.intent.search(sentence))
        parts = [p for p in said.split.split(sentence) if p and p.strip(" ,.")]
        items = []
        for part in parts:
            measure, rest = _measure(part, lang)
            due, _ = find_date(part, today, lang)
            core = _clean(strip_dates(rest, lang), lang)
            outcome = due is not None and bool(said.outcome.search(core))
            if len(core.split()) < 2 or not (outcome or re.match(verb, core, re.I)):
                continue
            if said.conditional.match(core):
                continue
            items.append({"text": core[0].upper() + core[1:], "due_date": due,
                          "measure": measure, "kind": _kind(core, lang),
                          "opens": bool(said.intent.search(" ".join(part.split()[:4]))),
                          "maybe": bool(said.hypothetical.match(part))})
        # 'rebuild X and review it by the 15th': one date for both; not across a new 'I will'
        for item, after in zip(items, items[1:], strict=False):
            if item["due_date"] is None and item["kind"] == after["kind"] == "action" \
                    and not after["opens"]:
                item["due_date"] = after["due_date"]
        for item, after in zip(items, items[1:], strict=False):  # '..., and use that time'
            after["maybe"] = after["maybe"] or (item["maybe"] and not after["opens"])
        # 'I would spend less time on X': a thought, unless a habit kept, dropped or started
        items = [i for i in items if not i["maybe"] or i["kind"] != "action" or i["due_date"]]
        for item in items:
            del item["opens"], item["maybe"]
        if strict and not promised:
            continue
        if not promised and not any(i["kind"] != "action" or i["due_date"] for i in items) \
                and not re.match(rf"\s*(?:{said.lead_in.pattern[1:]})?{verb}", sentence, re.I):
            continue
        for item in items:
            if strict and not (item["due_date"] or item["measure"]):
                continue
            found.append(item)
    return found


def _words(text: str, lang: Language) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower())
            if w not in lang.lexicon.commitments.merge_ignore}


def merge(commitments: list[dict], lang: Language = ENGLISH) -> list[dict]:
    """Drop repeats: the same action said twice keeps one entry, with any date or measure."""
    unique: list[dict] = []
    for item in commitments:
        words = _words(item["text"], lang)
        twin = next((u for u in unique if u["kind"] == item["kind"] and (
            words <= _words(u["text"], lang) or _words(u["text"], lang) <= words or
            len(words & _words(u["text"], lang)) / max(1, len(words | _words(u["text"], lang)))
            >= 0.6)), None)
        if twin is None:
            unique.append(dict(item))
            continue
        twin["due_date"] = twin["due_date"] or item["due_date"]
        twin["measure"] = twin["measure"] or item["measure"]
    return unique


def spoken_due(due: date | None, today: date, lang: Language = ENGLISH) -> str:
    """'by Friday' within the week ahead, else 'by 4 December'."""
    if due is None:
        return ""
    wording = lang.phrasing.dates
    if 0 <= (due - today).days < 7:
        return wording.today if due == today else wording.by_weekday.format(weekday=lang.weekday(due))
    return wording.by_date.format(date=lang.day_month(due))
