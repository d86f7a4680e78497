"""The summary drawn from the record, not re-read from the transcript.

A summary is its parts (``PARTS``), each drawn from one source: the opening from the figures,
the deal or the rep's ratings; the follow-ups from the rep's answers on due commitments; the
points (causes, focus...) from the answers to the stages that ask for them, and only answers
that touch the stage's subject; the commitments from the commitments as they stand; the help
from a real request for help. The parts are kept with the session, so when the rep edits a
commitment or corrects an answer, :func:`redraw` draws the touched parts again and keeps the
prose the rep wrote around them.
"""

from __future__ import annotations

import re

from ..language import ENGLISH, Language
from .sentences import commitments_sentence, gist

PARTS = ("opening", "follow_ups", "points", "commitments", "help")


def compose(parts: dict) -> str:
    """The summary text: the parts in order, the empty ones left out."""
    return " ".join(p for p in (parts.get(key, "") for key in PARTS) if p)


def follow_ups_sentence(answers: list[dict], lang: Language = ENGLISH) -> str:
    """How each due commitment went, as the rep answered (picked, or proposed and shown)."""
    says = lang.phrasing.summary
    outcomes = []
    for answer in answers:
        if answer["kind"] != "follow_up":
            continue
        name = (answer.get("text") or says.earlier_commitment).strip().rstrip(".")
        note = gist(answer.get("note") or "", words=10, first=True, lang=lang)
        word = note.split(" ", 1)[0]
        if word and re.search(rf"(?<!\w){re.escape(word.capitalize())}(?!\w)", name):
            note = word.capitalize() + note[len(word):]  # a name the commitment says: 'Fabrikam'
        outcomes.append(says.follow_up.format(
            name=name[:1].lower() + name[1:], status=says.statuses[answer.get("value") or "unclear"],
            note=says.follow_up_note.format(note=note) if note else ""))
    return says.follow_ups.format(outcomes="; ".join(outcomes)) if outcomes else ""


def ratings_of(answers: list[dict]) -> list[tuple[str, int]]:
    """(skill, rating) the rep gave, in the order they were heard."""
    return [(a["skill"], int(a["value"])) for a in answers if a["kind"] == "rating"]


def help_sentence(help_asked: str, lang: Language = ENGLISH) -> str:
    if not help_asked:
        return ""
    return lang.phrasing.summary.help_asked.format(help=help_asked[:1].lower() + help_asked[1:])


def _names(context: dict) -> list[str]:
    opp, account = context.get("opportunity") or {}, context.get("account") or {}
    names = [*opp.get("competitors", []), opp.get("account", ""), opp.get("name", ""),
             account.get("name", ""), *(o.get("name", "") for o in context.get("opportunities", [])
                                         if isinstance(o, dict))]
    return sorted({n for n in names if n and n[:1].isupper()}, key=len, reverse=True)


def named_as_written(text: str, context: dict) -> str:
    """A name from the rep's data keeps its capitals ('Proseware', never 'proseware', when a
    gist put it first in a clause)."""
    for name in _names(context):
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", name, text, flags=re.I)
    return text


def parts_for(opening: str, answers: list[dict], points: str, commitments: list[dict],
              help_asked: str, lang: Language = ENGLISH) -> dict:
    return {"opening": opening, "follow_ups": follow_ups_sentence(answers, lang),
            "points": points, "commitments": commitments_sentence(commitments, lang),
            "help": help_sentence(help_asked, lang)}


def redraw(text: str, drawn: dict, fresh: dict) -> str:
    """The summary after an edit: all of ``fresh`` when the rep left the drawn text as it was;
    else each part that changed is replaced where the rep's text still holds it."""
    if not drawn or text.strip() == compose(drawn):
        return compose(fresh)
    for key in PARTS:
        old, new = drawn.get(key, ""), fresh.get(key, "")
        if old != new and old and old in text:
            text = " ".join(text.replace(old, new).split())
    return text
