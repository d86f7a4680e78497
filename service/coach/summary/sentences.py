"""The session summary in the coach's own words, built from the data and the rep's answers.

A manager reads 3-6 short sentences: the figures acknowledged (or the deal / account / audit the
session was about), how the due commitments went, the causes or the mode's key points, the
commitments with their dates, and the help asked. No answer is quoted wholesale. The words
are the session's language's (``lang``, English by default): lexicon.toml's [summary] picks
the sentences, phrasing.toml's [summary] says them.
"""

from __future__ import annotations

import re

from ..language import ENGLISH, Language
from ..language.reading import needs_no_help, parse_rating
from ..language.reflect import _shorten, lower_first, third_person
from ..prompt.figures import figure, pct


def gist(text: str, pick: re.Pattern | None = None, words: int = 14, first: bool = False,
         lang: Language = ENGLISH) -> str:
    """The most telling sentence of an answer, shortened, in the third person."""
    lead_words = lang.lexicon.summary.lead_words
    parts = [p.strip() for p in re.split(r"(?<=[.!?;])\s+|:\s+|\s+-\s+", " ".join(text.split())) if p]
    parts = [p for p in parts if lead_words.sub("", p.strip(" .;:!?"))] or parts
    parts = [p for p in parts if len(p.split()) >= 3] or parts
    if pick is not None:
        parts = [p for p in parts if pick.search(p)]
    if not parts:
        return ""
    chosen = max(parts, key=lambda p: sum(1 for w in p.split() if len(w) > 3)) \
        if pick is None and not first else parts[0]
    chosen = lead_words.sub("", chosen.strip(" .;:!?")) or chosen
    cut = _trim(chosen.split(), words, lang)
    phrase = " ".join(third_person(cut, lang)).strip(" ,.;:-")
    return lower_first(phrase, text, lang)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _trim(words: list[str], limit: int, lang: Language) -> list[str]:
    """At most ~``limit`` words cut where a phrase ends; whole when no cut leaves a clean phrase
    ('a prospecting block of 2 hours' never becomes 'a prospecting block of 2')."""
    trailing = lang.lexicon.reflect.trailing
    cut = _shorten(words, limit, lang)
    if not cut:
        if len(words) <= limit * 2:
            return words
        cut = words[:limit]
        while len(cut) > 2 and (cut[-1].lower() in trailing or any(c.isdigit() for c in cut[-1])):
            cut = cut[:-1]
    while len(cut) > 2 and cut[-1].lower() in trailing | lang.lexicon.summary.relative:
        cut = cut[:-1]
    comma = max((i for i, w in enumerate(cut[:-1]) if w.endswith(",")), default=-1)
    if len(cut) < len(words) and 0 < len(cut) - comma - 1 <= 2 and comma >= 2:
        cut = cut[:comma + 1]  # 'by Friday, and ask' was cut mid-clause: end at the comma
    return cut


def _first(rep_name: str, lang: Language) -> str:
    return rep_name.split()[0] if rep_name and rep_name.split() else lang.phrasing.summary.the_rep


def _on_opportunity(mode, context, answers, who, lang, ratings=None) -> str:
    opp, says = context.get("opportunity"), lang.phrasing.summary
    if not opp:
        return ""
    benchmark = competing = ""
    if opp.get("benchmark_days") is not None:
        benchmark = says.benchmark.format(days=opp["benchmark_days"],
                                          past=says.past_benchmark if opp.get("stalled") else "")
    if opp.get("competitors"):
        competing = says.competing.format(names=", ".join(opp["competitors"]))
    return says.opportunity.format(
        title=mode.title, who=who, name=opp["name"], account=opp["account"],
        amount=figure("pipeline_value", opp["amount"], opp.get("currency", ""), lang),
        days=opp["days_in_stage"], stage=opp["stage"], benchmark=benchmark, competing=competing)


def _on_account(mode, context, answers, who, lang, ratings=None) -> str:
    account, says = context.get("account"), lang.phrasing.summary
    if not account:
        return ""
    count = account.get("open_opportunities", 0)
    return (says.account_one if count == 1 else says.account_many).format(
        title=mode.title, who=who, name=account["name"], count=count,
        value=figure("pipeline_value", account.get("open_value", 0),
                     context.get("currency", ""), lang))


def _on_ratings(mode, context, answers, who, lang, ratings=None) -> str:
    ratings = _ratings(mode, context, answers, lang) if ratings is None else ratings
    if not ratings:
        return ""
    low = min(r for _, r in ratings)
    top = max(ratings, key=lambda x: x[1])
    return lang.phrasing.summary.ratings.format(
        title=mode.title, who=who, low=low, high=top[1], highest=mode.said(top[0]),
        lowest=", ".join(mode.said(s) for s, r in ratings if r == low))


def _on_figures(mode, context, answers, who, lang, ratings=None) -> str:
    periods, says = context.get("periods") or [], lang.phrasing.summary
    if not periods or "closed_value" not in periods[0]["metrics"]:
        return ""
    kpi, currency = periods[0]["metrics"], context.get("currency", "")
    cv = kpi["closed_value"]
    change = quota = ""
    if cv.get("change_pct") is not None:
        moved = float(cv["change_pct"])
        change = says.flat if abs(moved) < 0.5 else \
            (says.down if moved < 0 else says.up).format(pct=pct(moved, lang))
    if (kpi.get("attainment") or {}).get("value") is not None:
        quota = says.of_quota.format(pct=pct(kpi["attainment"]["value"], lang))
    elif "quota" in kpi:
        quota = says.without_quota.format(no_quota=lang.phrasing.figures.no_quota)
    return says.period.format(
        title=mode.title, who=who, period=periods[0].get("label", says.the_period),
        value=figure("closed_value", cv["value"], currency, lang), change=change, quota=quota)


# what a mode's summary_opens_with names -> the opening drawn from it ("" when the session
# lacks it); modes.py accepts exactly these keys
OPENINGS = {"opportunity": _on_opportunity, "account": _on_account, "ratings": _on_ratings,
            "figures": _on_figures}


def figures_sentence(mode, context: dict, answers: dict, rep_name: str,
                     lang: Language = ENGLISH, ratings: list | None = None) -> str:
    """The summary's first sentence: the first of the mode's ``summary_opens_with`` this
    session has, else the mode's title alone. ``ratings`` are the rep's (skill, rating) answers;
    without them (an older session) they are read from the answers' text."""
    who = _first(rep_name, lang)
    for source in mode.summary_opens_with:
        text = OPENINGS[source](mode, context, answers, who, lang, ratings)
        if text:
            return text
    return lang.phrasing.summary.session.format(title=mode.title, who=who)


def _ratings(mode, context, answers, lang: Language) -> list[tuple[str, int]]:
    for stage in mode.stages:
        if stage.each and answers.get(stage.key):
            items = mode.items(stage, context)
            found = [(item, parse_rating(text, lang))
                     for item, text in zip(items, answers[stage.key], strict=False)]
            return [(item, r[0]) for item, r in found if r]
    return []


def causes(texts: list[str], lang: Language = ENGLISH) -> str:
    said = lang.lexicon.summary
    joined = " ".join(texts)
    inside, outside = gist(joined, said.internal, lang=lang), gist(joined, said.external, lang=lang)
    if inside and outside and inside != outside:
        return lang.phrasing.summary.causes_both.format(internal=inside, external=outside)
    return gist(joined, lang=lang)


def about(stage, text: str, lang: Language = ENGLISH) -> bool:
    """Whether an answer touches what the stage's label says (its ``summary_about`` topic);
    a stage without one files every answer."""
    topic = stage.summary_about
    return not topic or bool(lang.lexicon.summary.about[topic].search(text))


def key_point(stage, texts: list[str], lang: Language = ENGLISH) -> str:
    """The stage's summary lead around the gist of what the rep said there, from the answers
    that are about the stage's subject only."""
    texts = [t for t in texts if about(stage, t, lang)]
    if stage.summary_from == "causes":
        phrase = causes(texts, lang)
    else:
        phrase = gist(" ".join(texts[:1] if stage.summary_from == "first" else texts), lang=lang)
    return stage.summary.format(p=phrase) if phrase else ""


def stage_sentences(mode, answers: dict, limit: int = 2, lang: Language = ENGLISH) -> list[str]:
    """The key points of the first ``limit`` summarised stages the rep answered, in the
    mode's ``summary_stages`` order."""
    lines = []
    for key in mode.summary_stages:
        if len(lines) >= limit:
            break
        line = key_point(mode.stage(key), answers.get(key, []), lang)
        if line:
            lines.append(line)
    return lines


def commitments_sentence(commitments: list[dict], lang: Language = ENGLISH) -> str:
    says = lang.phrasing.summary
    if not commitments:
        return says.no_commitments
    dated = [c for c in commitments if c.get("due_date")]
    named = "; ".join(says.dated_item.format(
        text=_lower(" ".join(third_person(c["text"].split(), lang))),
        due=lang.phrasing.dates.by_date.format(date=lang.day_month(c["due_date"])))
        for c in dated[:3])
    count = len(commitments)
    rest = [c for c in commitments if c not in dated[:3]]
    short = "; ".join(_lower(" ".join(third_person(_trim(c["text"].split(), 7, lang), lang)))
                      for c in rest[:3])
    return says.commitments.format(
        counted=(says.counted_one if count == 1 else says.counted_many).format(count=count),
        dated=says.dated.format(items=named) if named else "",
        rest=(says.rest_after_dated if named else says.rest).format(items=short) if rest else "")


def help_phrase(texts: list[str], lang: Language = ENGLISH) -> str:
    """What the rep asked for: the (at most two) clauses that ask for help, none when the rep
    said they need none; no other sentence stands in for a request."""
    said = lang.lexicon.summary
    clauses = [c for t in texts for c in re.split(r"(?<=[.!?;])\s+|,\s+(?:and|but)\s+", t)]
    asks = [c for c in clauses if said.help.search(c) and not needs_no_help(c, lang)]
    phrases = [gist(said.help_lead.sub("", c), words=16, first=True, lang=lang) for c in asks[:2]]
    # 'could their manager join the CFO meeting' -> 'their manager to join the CFO meeting'
    phrase = "; ".join(said.help_request.sub(
        lambda m: lang.phrasing.summary.help_request.format(who=m["who"]), p)
        for p in phrases if p)
    return phrase[:1].upper() + phrase[1:] if phrase else ""
