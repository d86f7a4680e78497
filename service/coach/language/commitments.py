"""Commitments in the rep's own words: one per action, with its kind, due date and measure.

'I will book a meeting with the Fabrikam CFO by Friday and qualify my top 3 deals with MEDDIC
by next week, measured by 3 economic buyer meetings booked.' gives two commitments: 'Book a
meeting with the Fabrikam CFO' (due the coming Friday) and 'Qualify my top 3 deals with
MEDDIC' (due the Friday of next week, measure '3 economic buyer meetings booked').
"""

from __future__ import annotations

import re
from datetime import date

from .reading import DATE_PATTERNS, NUMBER_WORDS, find_date, is_start

_NUM = r"(?:\d[\d,.]*k?|" + "|".join(list(NUMBER_WORDS)[1:]) + r"|a dozen|a couple of)"
KEEP_V = r"keep|continue|carry on|stick with|stay with|maintain"
DROP_V = r"drop|stop|quit|no longer|give up|cut out|ditch|cancel"
CREATE_V = r"start|create|begin|introduce|launch|set up|try out|build|add|test|block|pilot"
ACTION_V = (r"call|send|book|email|meet|schedule|follow up|visit|prepare|write|review|ask|share|"
            r"update|finish|close|present|run|map|plan|qualify|reach out to|reach out|contact|"
            r"phone|draft|get|set|confirm|research|read|practise|practice|re-?engage|chase|"
            r"agree|rebuild|bring|brief|invite|involve|line up|list|hold|use|spend|move|"
            r"hand over|identify|find|role-?play|record|join|talk to|speak to|check|put|push|"
            r"propose|secure|sign|deliver|demo|cold call|prospect|make|take|give|arrange|"
            r"organise|organize|do|go|meet with|test|track|target|focus on|reduce|cut|increase|"
            r"raise|grow|improve|win|lift|double|hit|land|open|renew|expand|sit down with|"
            r"shadow|watch|learn|rehearse|re-?write|redo|tidy|clean up|log|pitch|train")
VERB = rf"(?:{KEEP_V}|{DROP_V}|{CREATE_V}|{ACTION_V})\b"
INTENT = re.compile(r"\b(?:i(?:'ll| will| am going to|'m going to| plan to| want to| commit to|"
                    r" intend to| aim to| am gonna|'m gonna)|going to|my plan is to|"
                    r"we(?:'ll| will))\b", re.I)
LEAD_IN = re.compile(
    r"^(?:(?:and|then|also|so|first|firstly|second|third|next|finally|plus|after that|"
    r"i think|honestly|ok(?:ay)?)\b[,:\s]*)+|^(?:i(?:'ll| will| am going to|'m going to| plan to|"
    r" want to| commit to| intend to| aim to| need to| would| could| can)|i'?d like to|"
    r"my plan is to|we(?:'ll| will| are going to|'re going to)|going to)\s+(?:also\s+|then\s+)?",
    re.I)
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+|\s*(?:^|\s)[-*\u2022]\s+")
SPLIT = re.compile(rf"(?:,?\s+and\s+(?:then\s+)?|,\s*(?:then\s+)?|\s+then\s+)"
                   rf"(?=(?:i(?:'ll| will)\s+|also\s+)?{VERB})", re.I)
MEASURE_LEAD = re.compile(r",?\s*\b(?:measured by|aiming for|aiming at|target(?:ing)?(?: of)?|"
                          r"so that|with a target of|until i have|to get|goal of)\s+(.+)$", re.I)
COUNT = re.compile(
    rf"(?:[$€£]|\b(?:eur|usd|gbp|chf)\s?)\d[\d,.]*\s?k?\b|\b\d[\d,.]*\s?(?:%|percent\b)"
    rf"|\b{_NUM}\s+(?:[a-z][\w'-]*\s+){{0,3}}?[a-z][\w-]*s\b"
    rf"(?:\s+(?:booked|sent|held|done|closed|signed|won|made|completed|a (?:week|day|month)))?",
    re.I)
HELP = re.compile(r"\b(?:would help|could help|help me|i need (?:my manager|help|support)|"
                  r"i'?d like (?:my manager|help|support)|it would be great)\b", re.I)
DATE_WORDS = re.compile(r"\s*,?\s*\b(?:by|on|before|until|till|within|starting|from|at|for|"
                        r"no later than|latest)?\s*(?:the\s+)?(?=\S)")


def strip_dates(text: str) -> str:
    """The text with every date phrase (and its 'by'/'on'...) removed."""
    for _, pattern in DATE_PATTERNS:
        text = pattern.sub(lambda m: m.group(0) if is_start(m.string, m) else "\0", text)
    text = re.sub(r"\s*,?\s*\b(?:by|on|before|until|till|within|starting|from|no later than|"
                  r"latest|at the latest|in|for)?\s*(?:the\s+)?\0", "", text, flags=re.I)
    return " ".join(text.replace("\0", "").split()).strip(" ,;:-")


def _measure(clause: str) -> tuple[str, str]:
    """(measure, clause without a 'measured by ...' tail)."""
    lead = MEASURE_LEAD.search(clause)
    if lead:
        return strip_dates(lead.group(1)).strip(" .,"), clause[:lead.start()]
    m = COUNT.search(strip_dates(clause))
    return (" ".join(m.group(0).split()) if m else ""), clause


def _kind(core: str) -> str:
    for kind, verbs in (("keep", KEEP_V), ("drop", DROP_V), ("create", CREATE_V)):
        if re.match(rf"(?:{verbs})\b", core, re.I):
            return kind
    return "action"


def _clean(clause: str) -> str:
    core = clause.strip(" ,.;:-")
    for _ in range(3):
        core = LEAD_IN.sub("", core).strip(" ,.;:-")
    return core


def commitments_in(text: str, today: date, *, strict: bool = False) -> list[dict]:
    """Every action the rep committed to in one answer: text, due_date, measure, kind.

    ``strict`` (answers outside a planning stage): only first-person future actions
    ('I will', 'I'll', 'going to'...) that carry a date or a measure.
    """
    found: list[dict] = []
    for sentence in SENTENCES.split(" ".join((text or "").split())):
        if not sentence.strip() or HELP.search(sentence):
            continue
        promised = bool(INTENT.search(sentence))
        parts = [p for p in SPLIT.split(sentence) if p and p.strip(" ,.")]
        items = []
        for part in parts:
            measure, rest = _measure(part)
            due, _ = find_date(part, today)
            core = _clean(strip_dates(rest))
            if len(core.split()) < 2 or not re.match(VERB, core, re.I):
                continue
            if re.match(r"(?:would|could|might|should)\b", core, re.I):
                continue
            items.append({"text": core[0].upper() + core[1:], "due_date": due,
                          "measure": measure, "kind": _kind(core)})
        for item, after in zip(items, items[1:], strict=False):  # 'rebuild X and review it by the 15th'
            if item["due_date"] is None and item["kind"] == after["kind"] == "action":
                item["due_date"] = after["due_date"]
        if strict and not promised:
            continue
        if not promised and not any(i["kind"] != "action" or i["due_date"] for i in items) \
                and not re.match(rf"\s*(?:{LEAD_IN.pattern[1:]})?{VERB}", sentence, re.I):
            continue
        for item in items:
            if strict and not (item["due_date"] or item["measure"]):
                continue
            found.append(item)
    return found


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower())
            if w not in {"the", "a", "an", "my", "our", "to", "with", "of", "for", "and", "going"}}


def merge(commitments: list[dict]) -> list[dict]:
    """Drop repeats: the same action said twice keeps one entry, with any date or measure."""
    unique: list[dict] = []
    for item in commitments:
        words = _words(item["text"])
        twin = next((u for u in unique if u["kind"] == item["kind"] and (
            words <= _words(u["text"]) or _words(u["text"]) <= words or
            len(words & _words(u["text"])) / max(1, len(words | _words(u["text"]))) >= 0.6)),
            None)
        if twin is None:
            unique.append(dict(item))
            continue
        twin["due_date"] = twin["due_date"] or item["due_date"]
        twin["measure"] = twin["measure"] or item["measure"]
    return unique


def spoken_due(due: date | None, today: date) -> str:
    """'by Friday' within the week ahead, else 'by 4 December'."""
    if due is None:
        return ""
    if 0 <= (due - today).days < 7:
        return "today" if due == today else f"by {due:%A}"
    return f"by {due.day} {due:%B}"
