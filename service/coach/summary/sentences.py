"""The session summary in the coach's own words, built from the data and the rep's answers.

A manager reads 3-6 short sentences: the figures acknowledged (or the deal / account / audit the
session was about), how the due commitments went, the causes or the mode's key points, the
commitments with their dates, and the help asked. No answer is quoted wholesale.
"""

from __future__ import annotations

import re

from ..language.reading import classify_follow_up, parse_rating
from ..language.reflect import TRAILING, _shorten, lower_first, third_person
from ..prompt.figures import NO_QUOTA, figure, pct

STATUS = {"done": "done", "open": "not done yet", "dropped": "dropped"}
INTERNAL = re.compile(r"\b(?:internal|inside my control|my fault|on me|was me|i (?:did not|didn'?t|"
                      r"never|spent|let|should have|missed|forgot)|my own)\b", re.I)
EXTERNAL = re.compile(r"\b(?:external|outside (?:my|our) control|market|budgets?|freeze|"
                      r"customer|client|competitor|economy|procurement|season)\b", re.I)
HELP = re.compile(r"\b(?:help|support|join|need|would like|could you)\b", re.I)
LEAD_WORDS = re.compile(r"^(?:(?:honestly|frankly|well|so|and|but|also|the main (?:thing|"
                        r"difference) (?:i take away )?(?:is|was) that|the (?:internal|external) "
                        r"factor (?:is|was)(?: me)?|outside my control (?:is|was)|"
                        r"it would (?:really )?help if|i think|done|not done(?: yet)?|not yet|"
                        r"yes|no|i did it)\b[,:\s]*)+", re.I)


def gist(text: str, pick: re.Pattern | None = None, words: int = 14, first: bool = False) -> str:
    """The most telling sentence of an answer, shortened, in the third person."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?;])\s+|:\s+|\s+-\s+", " ".join(text.split())) if p]
    parts = [p for p in parts if LEAD_WORDS.sub("", p.strip(" .;:!?"))] or parts
    parts = [p for p in parts if len(p.split()) >= 3] or parts
    if pick is not None:
        parts = [p for p in parts if pick.search(p)]
    if not parts:
        return ""
    chosen = max(parts, key=lambda p: sum(1 for w in p.split() if len(w) > 3)) \
        if pick is None and not first else parts[0]
    chosen = LEAD_WORDS.sub("", chosen.strip(" .;:!?")) or chosen
    cut = _trim(chosen.split(), words)
    phrase = " ".join(third_person(cut)).strip(" ,.;:-")
    return lower_first(phrase, text)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _trim(words: list[str], limit: int) -> list[str]:
    """At most ~``limit`` words cut where a phrase ends; whole when no cut leaves a clean phrase
    ('a prospecting block of 2 hours' never becomes 'a prospecting block of 2')."""
    cut = _shorten(words, limit)
    if not cut:
        if len(words) <= limit * 2:
            return words
        cut = words[:limit]
        while len(cut) > 2 and (cut[-1].lower() in TRAILING or any(c.isdigit() for c in cut[-1])):
            cut = cut[:-1]
    while len(cut) > 2 and cut[-1].lower() in TRAILING | {"that", "which", "who"}:
        cut = cut[:-1]
    return cut


def _first(rep_name: str) -> str:
    return (rep_name or "the rep").split()[0]


def _on_opportunity(mode, context, answers, who) -> str:
    opp = context.get("opportunity")
    if not opp:
        return ""
    text = f"{mode.title} with {who} on {opp['name']} ({opp['account']}, " \
           f"{figure('pipeline_value', opp['amount'], opp.get('currency', ''))}): " \
           f"{opp['days_in_stage']} days in {opp['stage']}"
    if opp.get("benchmark_days") is not None:
        text += f" against a benchmark of {opp['benchmark_days']}"
        text += ", past it" if opp.get("stalled") else ""
    if opp.get("competitors"):
        text += f"; competing with {', '.join(opp['competitors'])}"
    return text + "."


def _on_account(mode, context, answers, who) -> str:
    account = context.get("account")
    if not account:
        return ""
    count = account.get("open_opportunities", 0)
    return f"{mode.title} with {who} on {account['name']}: " \
           f"{count} open opportunit{'y' if count == 1 else 'ies'} worth " \
           f"{figure('pipeline_value', account.get('open_value', 0), context.get('currency', ''))}."


def _on_ratings(mode, context, answers, who) -> str:
    ratings = _ratings(mode, context, answers)
    if not ratings:
        return ""
    low = min(r for _, r in ratings)
    weakest = [s for s, r in ratings if r == low]
    top = max(ratings, key=lambda x: x[1])
    return f"{mode.title} with {who}: lowest ratings {', '.join(weakest)} ({low}/5), " \
           f"highest {top[0]} ({top[1]}/5)."


def _on_figures(mode, context, answers, who) -> str:
    periods = context.get("periods") or []
    if not periods or "closed_value" not in periods[0]["metrics"]:
        return ""
    kpi, currency = periods[0]["metrics"], context.get("currency", "")
    cv = kpi["closed_value"]
    text = f"{mode.title} with {who} for {periods[0].get('label', 'the period')}: closed " \
           f"value {figure('closed_value', cv['value'], currency)}"
    if cv.get("change_pct") is not None:
        change = float(cv["change_pct"])
        text += ", flat" if abs(change) < 0.5 else \
            f", {'down' if change < 0 else 'up'} {pct(change)} on the previous period"
    if (kpi.get("attainment") or {}).get("value") is not None:
        text += f", {pct(kpi['attainment']['value'])} of quota"
    elif "quota" in kpi:
        text += f", {NO_QUOTA}"
    return text + "."


# what a mode's summary_opens_with names -> the opening drawn from it ("" when the session
# lacks it); the keys are the values modes.py accepts
OPENINGS = {"opportunity": _on_opportunity, "account": _on_account, "ratings": _on_ratings,
            "figures": _on_figures}


def figures_sentence(mode, context: dict, answers: dict, rep_name: str) -> str:
    """The summary's first sentence: the first of the mode's ``summary_opens_with`` this
    session has, else the mode's title alone."""
    who = _first(rep_name)
    for source in mode.summary_opens_with:
        text = OPENINGS[source](mode, context, answers, who)
        if text:
            return text
    return f"{mode.title} with {who}."


def _ratings(mode, context, answers) -> list[tuple[str, int]]:
    for stage in mode.stages:
        if stage.each and answers.get(stage.key):
            items = mode.items(stage, context)
            found = [(item, parse_rating(text)) for item, text in zip(items, answers[stage.key],
                                                                     strict=False)]
            return [(item, r[0]) for item, r in found if r]
    return []


def follow_up_sentence(transcript: list[dict]) -> str:
    outcomes = []
    for before, turn in zip(transcript, transcript[1:], strict=False):
        if turn["role"] == "rep" and turn.get("stage") == "follow_up":
            quoted = re.search(r'"([^"]+)"', before["text"])
            name = quoted.group(1) if quoted else "an earlier commitment"
            status = classify_follow_up(turn["text"])
            note = gist(turn["text"], words=10, first=True)
            outcomes.append(f"{name[:1].lower() + name[1:]} is {STATUS[status]}"
                            + (f" ({note})" if note else ""))
    if not outcomes:
        return ""
    return f"Of the commitments due, {'; '.join(outcomes)}."


def causes(texts: list[str]) -> str:
    joined = " ".join(texts)
    inside, outside = gist(joined, INTERNAL), gist(joined, EXTERNAL)
    if inside and outside and inside != outside:
        return f"internal, {inside}; external, {outside}"
    return gist(joined)


def key_point(stage, texts: list[str]) -> str:
    """The stage's summary lead around the gist of what the rep said there."""
    if stage.summary_from == "causes":
        phrase = causes(texts)
    else:
        phrase = gist(" ".join(texts[:1] if stage.summary_from == "first" else texts))
    return stage.summary.format(p=phrase) if phrase else ""


def stage_sentences(mode, answers: dict, limit: int = 2) -> list[str]:
    """The key points of the first ``limit`` summarised stages the rep answered, in the
    mode's ``summary_stages`` order."""
    lines = []
    for key in mode.summary_stages:
        if len(lines) >= limit:
            break
        line = key_point(mode.stage(key), answers.get(key, []))
        if line:
            lines.append(line)
    return lines


def commitments_sentence(commitments: list[dict]) -> str:
    if not commitments:
        return "No dated commitment yet."
    dated = [c for c in commitments if c.get("due_date")]
    named = "; ".join(
        f"{' '.join(third_person(c['text'].split()))[:1].lower()}"
        f"{' '.join(third_person(c['text'].split()))[1:]} by {c['due_date'].day} "
        f"{c['due_date']:%B}" for c in dated[:3])
    count = len(commitments)
    text = f"{count} commitment{'s' if count != 1 else ''}"
    if named:
        text += f", dated: {named}"
    rest = [c for c in commitments if c not in dated[:3]]
    if rest:
        short = "; ".join(_lower(" ".join(third_person(_trim(c["text"].split(), 7))))
                          for c in rest[:3])
        text += f"{'; plus' if named else ':'} {short}"
    return text + "."


def help_phrase(texts: list[str]) -> str:
    if not texts:
        return ""
    phrase = gist(" ".join(texts), HELP, words=18) or gist(" ".join(texts), words=18, first=True)
    # 'could their manager join the CFO meeting' -> 'their manager to join the CFO meeting'
    phrase = re.sub(r"^(?:could|can|would|will)\s+(their manager|you|the coach|someone)\s+",
                    r"\1 to ", phrase, flags=re.I)
    return phrase[:1].upper() + phrase[1:] if phrase else ""


def summary_lines(mode, transcript, answers, context, rep_name, commitments, help_asked):
    lines = [figures_sentence(mode, context, answers, rep_name), follow_up_sentence(transcript)]
    lines += stage_sentences(mode, answers, 2)
    lines.append(commitments_sentence(commitments))
    if help_asked:
        lines.append(f"Help asked: {help_asked[:1].lower() + help_asked[1:]}.")
    return [line for line in lines if line]
