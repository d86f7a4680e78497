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
from ..language.reading import classify_follow_up, parse_rating
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
    return cut


def _first(rep_name: str, lang: Language) -> str:
    return rep_name.split()[0] if rep_name and rep_name.split() else lang.phrasing.summary.the_rep


def _on_opportunity(mode, context, answers, who, lang) -> str:
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


def _on_account(mode, context, answers, who, lang) -> str:
    account, says = context.get("account"), lang.phrasing.summary
    if not account:
        return ""
    count = account.get("open_opportunities", 0)
    return (says.account_one if count == 1 else says.account_many).format(
        title=mode.title, who=who, name=account["name"], count=count,
        value=figure("pipeline_value", account.get("open_value", 0),
                     context.get("currency", ""), lang))


def _on_ratings(mode, context, answers, who, lang) -> str:
    ratings = _ratings(mode, context, answers, lang)
    if not ratings:
        return ""
    low = min(r for _, r in ratings)
    top = max(ratings, key=lambda x: x[1])
    return lang.phrasing.summary.ratings.format(
        title=mode.title, who=who, low=low, high=top[1], highest=top[0],
        lowest=", ".join(s for s, r in ratings if r == low))


def _on_figures(mode, context, answers, who, lang) -> str:
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
                     lang: Language = ENGLISH) -> str:
    """The summary's first sentence: the first of the mode's ``summary_opens_with`` this
    session has, else the mode's title alone."""
    who = _first(rep_name, lang)
    for source in mode.summary_opens_with:
        text = OPENINGS[source](mode, context, answers, who, lang)
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


def follow_up_sentence(transcript: list[dict], lang: Language = ENGLISH) -> str:
    says = lang.phrasing.summary
    outcomes = []
    for before, turn in zip(transcript, transcript[1:], strict=False):
        if turn["role"] == "rep" and turn.get("stage") == "follow_up":
            quoted = lang.lexicon.summary.quoted.search(before["text"])
            name = quoted["text"] if quoted else says.earlier_commitment
            status = classify_follow_up(turn["text"], lang)
            note = gist(turn["text"], words=10, first=True, lang=lang)
            outcomes.append(says.follow_up.format(
                name=name[:1].lower() + name[1:], status=says.statuses[status],
                note=says.follow_up_note.format(note=note) if note else ""))
    if not outcomes:
        return ""
    return says.follow_ups.format(outcomes="; ".join(outcomes))


def causes(texts: list[str], lang: Language = ENGLISH) -> str:
    said = lang.lexicon.summary
    joined = " ".join(texts)
    inside, outside = gist(joined, said.internal, lang=lang), gist(joined, said.external, lang=lang)
    if inside and outside and inside != outside:
        return lang.phrasing.summary.causes_both.format(internal=inside, external=outside)
    return gist(joined, lang=lang)


def key_point(stage, texts: list[str], lang: Language = ENGLISH) -> str:
    """The stage's summary lead around the gist of what the rep said there."""
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
    if not texts:
        return ""
    said = lang.lexicon.summary
    phrase = gist(" ".join(texts), said.help, words=18, lang=lang) or \
        gist(" ".join(texts), words=18, first=True, lang=lang)
    # 'could their manager join the CFO meeting' -> 'their manager to join the CFO meeting'
    phrase = said.help_request.sub(
        lambda m: lang.phrasing.summary.help_request.format(who=m["who"]), phrase)
    return phrase[:1].upper() + phrase[1:] if phrase else ""


def summary_lines(mode, transcript, answers, context, rep_name, commitments, help_asked,
                  lang: Language = ENGLISH):
    lines = [figures_sentence(mode, context, answers, rep_name, lang),
             follow_up_sentence(transcript, lang)]
    lines += stage_sentences(mode, answers, 2, lang)
    lines.append(commitments_sentence(commitments, lang))
    if help_asked:
        lines.append(lang.phrasing.summary.help_asked.format(
            help=help_asked[:1].lower() + help_asked[1:]))
    return [line for line in lines if line]
