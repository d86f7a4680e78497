"""A session's language, kept in its context so ``language.of(context)`` is the one answer
everywhere (the flow's readers, the guard, the prompts, the summary):

- ``context["language"]``: the code; ``context["language_source"]``: where it came from,
  "locale" (the user's), "chosen" (the rep changed it, or started the session in it),
  "detected" (read from the rep's message) or "default" (English until a message tells).
- While it is "default", each of the rep's first DETECT_WITHIN messages is read (detect.py);
  the first one that tells settles it, English or not, and a short or unclear one leaves it
  as it was. A language set by the locale or chosen is never second-guessed.
- Changing it relabels the figures' periods, which the context holds already worded.
- ``context["replies_in"]``: the language the coach's replies are written in, which the
  offline coach's are not in a language it does not coach in (English then): the session's
  figures read the coach's words in it.
"""

from __future__ import annotations

from datetime import date

from . import DEFAULT, Language, get, names, of, shipped
from .detect import detect

DETECT_WITHIN = 3
SOURCES = ("locale", "chosen", "detected", "default")
# Said in English whatever language folders ship: it speaks to a rep whose language the offline
# coach has no words in, so no language folder could hold it.
NOTICE = "The built-in coach speaks {languages}, not {language}, so I'll carry on in English."


def period_label(start: date, kind: str, lang: Language) -> str:
    """'Week of 3 March 2025' / 'March 2025', in ``lang``."""
    dates = lang.phrasing.dates
    if kind == "week":
        return dates.week_of.format(day=start.day, month=lang.month(start), year=start.year)
    return dates.month_year.format(month=lang.month(start), year=start.year)


def switch(context: dict, code: str, source: str) -> bool:
    """Set the session's language (a shipped or registered code); True when it changed."""
    lang = get(code)  # LookupError for a code with no folder
    before = context.get("language") or DEFAULT
    context["language"], context["language_source"] = code, source
    for period in context.get("periods") or []:
        if period.get("start"):
            period["label"] = period_label(date.fromisoformat(period["start"]),
                                           period.get("type", "month"), lang)
    return code != before


def hear(context: dict, rep_text: str, earlier_rep_messages: int) -> bool:
    """Read the language from the rep's message while it is not settled; True when it changed."""
    if context.get("language_source", "default") != "default" or \
            earlier_rep_messages >= DETECT_WITHIN:
        return False
    code = detect(rep_text, tuple(shipped()))
    return switch(context, code, "detected") if code else False


def replies_in(context: dict | None) -> Language:
    """The language the coach's replies of this session are written in."""
    code = (context or {}).get("replies_in")
    return get(code) if code else of(context)


def notice(context: dict, coached: list[str]) -> str:
    """The offline coach's one plain notice, once per language, when the session's language is
    one it does not coach in ('' otherwise); ``coached``: the codes it coaches in."""
    lang = of(context)
    if lang.level == "full" or context.get("language_notice") == lang.code:
        return ""
    context["language_notice"] = lang.code
    return NOTICE.format(languages=names(coached), language=lang.name)
