"""The Socratic guard: is this coach turn a reflection plus exactly one question, and no telling?

A reply passes when it has exactly one question, ends on it, tells nothing (unless the rep
accepted an offered idea), praises nothing, and is plain text. By default the question must
also be open; the flow relaxes that only for the "Would it help to ...?" offer. Advice put as a
question ("Have you tried ...?") is telling. What counts as an open start, telling or praise is
the reply's language's (its guard.toml).

Given ``said`` (substance.Said: the session's earlier questions, the turn's prompt, the rep's
last message, the intent), it also judges substance: no repeated question, no stacked asks, no
copied prompt text, no long echo of the rep, no more words than the turn's cap. ``partial=True``
judges the start of a reply still streaming: only what more text could not mend fails (see
release.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .language import ENGLISH, Language
from .substance import Said, findings

LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", re.M)
MARKUP = re.compile(r"<[a-zA-Z/][^>]*>|\*\*|__|^#{1,6}\s|`", re.M)
# a point between digits is no sentence end: "42.000 EUR" (Spanish thousands), "3.5 days"
SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))+[.!?]*", re.S)


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


def _plain(text: str) -> str:
    """Typographic apostrophes as plain ones: the lexicons write "don't", "qu'est-ce"."""
    return text.replace("\u2019", "'")


@cache
def _open_start(lang: Language) -> re.Pattern:
    """A whole open start word or phrase ('what', not 'whatever'; French "qu'" ends on its own
    apostrophe), opening the text."""
    starts = sorted(lang.guard.questions.open_starts, key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in starts)
    return re.compile(rf"(?:{alternatives})(?:(?<!\w)|(?!\w))", re.I)


def is_open(question: str, lang: Language = ENGLISH) -> bool:
    """Open = starts (after an optional lead-in like 'So,' or 'And') with a wh-word or 'tell me'
    (in Spanish '¿Qué', '¿Cómo'...)."""
    lead_ins, opens = lang.guard.questions.open_lead_ins, _open_start(lang)
    words = lead_ins.sub("", _plain(question).strip().lower())
    if opens.match(words):
        return True
    # 'Looking at your ratings, where ...' / 'Of everything you said, what ...'
    head, _, rest = words.partition(", ")
    return bool(rest) and len(head.split()) <= 12 and bool(opens.match(lead_ins.sub("", rest)))


def telling_phrases(text: str, lang: Language = ENGLISH) -> list[str]:
    said, text = lang.guard, _plain(text)
    found = [m.group(0) for rx in said.telling.phrases for m in rx.finditer(text)]
    # read in questions only: an accepted idea is told as a statement ('One option some reps
    # use is ...'), advice dressed as a question is not
    asked = " ".join(q for q in sentences(text) if q.endswith("?"))
    found += [f"advice as a question '{m.group(0)}'" for rx in said.questions.advice
              for m in rx.finditer(asked)]
    for sentence in sentences(text):
        if sentence.endswith("?"):
            continue
        first = re.split(r"[\s,]+", sentence.lower().strip("\"'¡¿ "), maxsplit=1)[0]
        if first in said.telling.imperatives:
            found.append(f"imperative '{first}'")
    if len(LIST_LINE.findall(text)) >= 1:
        found.append("list of points")
    return found


def praise_phrases(text: str, lang: Language = ENGLISH) -> list[str]:
    return [m.group(0) for rx in lang.guard.praise.phrases for m in rx.finditer(_plain(text))]


def check(text: str, *, offer_accepted: bool = False, require_open: bool = True,
          lang: Language = ENGLISH, said: Said | None = None,
          partial: bool = False, closing: bool = False) -> GuardVerdict:
    """The verdict on one coach reply, read with the session's language (English by default).
    ``closing``: the session's last word, which may end without a question (never on two)."""
    body = (text or "").strip()
    reasons: list[str] = []
    questions = [s for s in sentences(body) if s.endswith("?")]
    count = sum(s.count("?") for s in questions) if questions else 0
    open_question = bool(questions) and is_open(questions[-1], lang)
    if count == 0 and not partial and not closing:
        reasons.append("no question: end with one open question")
    elif count > 1:
        reasons.append(f"{count} questions: ask exactly one")
    if body and not body.endswith("?") and (count or not (partial or closing)):
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
        reasons += findings(body, said, lang, sentences)
    return GuardVerdict(ok=not reasons, reasons=reasons, questions=count,
                        open_question=open_question, telling=telling, praise=bool(praised))
