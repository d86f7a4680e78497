"""The Socratic guard: is this coach turn a reflection plus exactly one question, and no telling?

A reply passes when it has exactly one question, ends on it, tells nothing (unless the rep
accepted an offered idea), praises nothing, and is plain text. By default the question must
also be open; the flow relaxes that only for the "Would it help to ...?" offer.

Given ``said`` (substance.Said: the session's earlier questions, the turn's prompt, the rep's
last message, the intent), it also judges substance: no repeated question, no stacked asks, no
copied prompt text, no advice as a question, no long echo of the rep, no more words than the
turn's cap. ``partial=True`` judges the start of a reply still streaming: only what more text
could not mend fails (see release.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .language import ENGLISH, Language
from .substance import Said, findings

LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", re.M)
MARKUP = re.compile(r"<[a-zA-Z/][^>]*>|\*\*|__|^#{1,6}\s|`", re.M)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.S)


@dataclass
class GuardVerdict:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    questions: int = 0
    open_question: bool = False
    telling: bool = False
    praise: bool = False


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def is_open(question: str, lang: Language = ENGLISH) -> bool:
    """Open = starts (after an optional lead-in like 'So,' or 'And') with a wh-word or 'tell me'."""
    said = lang.lexicon.guard
    words = said.open_lead_ins.sub("", question.strip().lower())
    if words.startswith(said.open_starts):
        return True
    # 'Looking at your ratings, where ...' / 'Of everything you said, what ...'
    head, _, rest = words.partition(", ")
    return bool(rest) and len(head.split()) <= 12 and rest.startswith(said.open_starts)


def telling_phrases(text: str, lang: Language = ENGLISH) -> list[str]:
    said = lang.lexicon.guard
    found = [m.group(0) for rx in said.telling for m in rx.finditer(text)]
    for sentence in sentences(text):
        if sentence.endswith("?"):
            continue
        first = re.split(r"[\s,]+", sentence.lower().strip("\"' "), maxsplit=1)[0]
        if first in said.imperatives:
            found.append(f"imperative '{first}'")
    if len(LIST_LINE.findall(text)) >= 1:
        found.append("list of points")
    return found


def praise_phrases(text: str, lang: Language = ENGLISH) -> list[str]:
    return [m.group(0) for rx in lang.lexicon.guard.praise for m in rx.finditer(text)]


def check(text: str, *, offer_accepted: bool = False, require_open: bool = True,
          lang: Language = ENGLISH, said: Said | None = None,
          partial: bool = False) -> GuardVerdict:
    """The verdict on one coach reply, read with the session's language (English by default)."""
    body = (text or "").strip()
    reasons: list[str] = []
    questions = [s for s in sentences(body) if s.endswith("?")]
    count = sum(s.count("?") for s in questions) if questions else 0
    open_question = bool(questions) and is_open(questions[-1], lang)
    if count == 0 and not partial:
        reasons.append("no question: end with one open question")
    elif count > 1:
        reasons.append(f"{count} questions: ask exactly one")
    if body and not body.endswith("?") and (count or not partial):
        reasons.append("does not end on the question")
    if count and require_open and not open_question:
        reasons.append("closed question: ask an open one (what, how, which, tell me about)")
    told = telling_phrases(body, lang)
    list_told = [t for t in told if t == "list of points"]
    telling = bool(told)
    if told and not offer_accepted:
        reasons.append("telling (" + ", ".join(dict.fromkeys(told)) + "): ask instead")
    elif list_told:
        reasons.append("list of points: keep any idea brief, in plain sentences")
    praised = praise_phrases(body, lang)
    if praised:
        reasons.append("empty praise (" + ", ".join(dict.fromkeys(praised)) + ")")
    if MARKUP.search(body):
        reasons.append("formatting: plain text only")
    if not body and not partial:
        reasons.append("empty reply")
    if said is not None and body:
        reasons += findings(body, said, lang, sentences, offer_accepted=offer_accepted)
    return GuardVerdict(ok=not reasons, reasons=reasons, questions=count,
                        open_question=open_question, telling=telling, praise=bool(praised))
