"""The offline coach: deterministic, no model, runs the same mode files as the LLM path.

Each reply is a short reflection of the rep's own words plus one question chosen by the flow's
intent: the stage's next question not yet asked (filled with the rep's real names and figures),
a probe when the last answer was thin, a turn-back when the rep asks for the answer, the stage's
offer or idea when the rep asked twice and said yes. It never gives advice of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .. import language
from ..language import fresh
from ..language.reflect import reflect
from ..prompt.render import try_render
from ..substance import ECHO_WORDS, shared_run
from ..summary.draft import extract_summary
from ..summary.schema import validate_summary
from .base import CoachTurn


def _say(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _mirror(last: str, n: int, names: str, lang: language.Language) -> str:
    """The reflection of the rep's last message, or nothing where it would say back a whole
    clause of theirs word for word (the guard's echo, substance.py)."""
    said = reflect(last, n, 7, names, lang)
    return "" if shared_run(said, last, ECHO_WORDS) else said


# The coach's turn against the rep's last answer: a reflection goes in only while the whole
# turn stays under this share of what the rep just said (and under MAX_WORDS), so the rep
# keeps the floor; a short answer gets the question alone.
SHARE_OF_ANSWER = 0.4
MAX_WORDS = 18


def _brief(reflection: str, question: str, asked: list[str] = (), answer: str = "") -> str:
    """A reflection plus the question, unless together they outgrow the room the rep's answer
    leaves (SHARE_OF_ANSWER) or the reflection was said before this session: then the question
    alone."""
    room = min(MAX_WORDS, int(len(answer.split()) * SHARE_OF_ANSWER))
    if len(reflection.split()) + len(question.split()) > room or \
            any(reflection and reflection in text for text in asked):
        return question
    return _say(reflection, question)


FIGURE = re.compile(r"[A-Z]{3} \d[\d,.]*\d|\d[\d,.]*\d [A-Z]{3}\b|\d[\d.,]*%")  # EUR 42,000; 42.000 EUR


def _already(question: str, asked: list[str]) -> bool:
    """Asked before, or it reads out a figure the coach has already given this session."""
    if any(question in text for text in asked):
        return True
    said = {f for text in asked for f in FIGURE.findall(text)}
    return any(f in said for f in FIGURE.findall(question))


STEM = 6  # 'different' and 'difference' share their first six letters


def _answered(question: str, answer: str, lang: language.Language) -> bool:
    """Whether the rep's last answer already speaks to the question ('nothing much was
    different' to 'What was different...?', 'in my control is...' to 'Which causes were in your
    control?'): at least half of the question's content words, by their stems, are in it."""
    said = lang.lexicon.reflect
    plain = said.stop | said.common | said.unsure_starts | said.dangling

    def stems(text: str) -> list[str]:
        found = (w.strip(".,;:!?\"'()").lower() for w in text.split())
        return [w[:STEM] for w in found if len(w) >= 5 and w not in plain]

    keys, heard = set(stems(question)), set(stems(answer))
    return bool(keys) and 2 * len(keys & heard) >= len(keys)


class GuidedEngine:
    name = "guided"
    builtin = True  # coaches only in the full languages; elsewhere in English (lang.offline)
    speaks_flow_lines = True

    def _pick(self, turn: CoachTurn, templates, *, skip_asked: bool = True,
              answer: str = "") -> str | None:
        """The first template that renders and was not asked (nor, given ``answer``, answered
        already in it)."""
        lang = language.of(turn.context)
        for source in templates:
            text = try_render(source, turn.context, item=turn.item)
            if text and not (skip_asked and _already(text, turn.asked)) and \
                    not (answer and _answered(text, answer, lang)):
                return text
        return None

    def _question(self, turn: CoachTurn, lang: language.Language, last: str = "") -> str:
        stage = turn.stage
        # what the rep said out of order is not asked again: only where the question is a
        # conversation (a list walked, commitments and help are read apart)
        answer = "" if stage.collect or stage.each else last
        if turn.heard and stage.collect == "commitments":  # never ask again for what was given
            # a rep who said how they will know ('measured by ...') is not asked it again
            asks = lang.lexicon.commitments.asks_measure
            after = [q for q in stage.after_commitments if not (turn.measured and asks.search(q))]
            found = self._pick(turn, after) or \
                self._pick(turn, [lang.phrasing.coach.after_commitments])
            if found:
                return found
        # the stage asked what the rep will do and heard no date yet: its probes ask by when
        # and how they will know, one at a time, before the next commitment
        undated = stage.collect == "commitments" and not turn.heard and \
            any(_already(q, turn.asked) for q in stage.questions[:1])
        if turn.intent == "probe" or undated:
            found = self._pick(turn, stage.probes, answer=answer) or \
                self._pick(turn, stage.questions, answer=answer)
        else:
            found = self._pick(turn, stage.questions, answer=answer) or \
                self._pick(turn, stage.probes, answer=answer)
        # every line of the step was asked: an unasked one before any repeat
        return found or self._pick(turn, [stage.fallback, lang.phrasing.coach.default_question,
                                          *lang.phrasing.coach.spare]) or \
            try_render(stage.fallback, turn.context, item=turn.item) or \
            lang.phrasing.coach.default_question

    def reply_text(self, turn: CoachTurn) -> str:
        last = next((m["content"] for m in reversed(turn.messages)
                     if m["role"] == "user" and not m.get("data")), "")
        names = "\n".join(m["content"] for m in turn.messages if m.get("data"))
        # the rep's last two answers: what they said a turn early still counts as answered
        recent = " ".join([m["content"] for m in turn.messages
                           if m["role"] == "user" and not m.get("data")][-2:])
        n, lang = turn.turn_index, language.of(turn.context)
        says = lang.phrasing.coach
        if turn.intent == "turn_back":
            return _say(fresh(says.turn_back_lead, n, turn.asked),
                        fresh(says.turn_back, n, turn.asked))
        if turn.intent == "care":  # the rep's strain first; the agenda waits
            return _say(fresh(says.care_lead, n, turn.asked),
                        fresh(says.care_question, n, turn.asked))
        if turn.intent == "focus":  # the rep said what this session is for: follow it
            named = last.strip(" .!?")
            if 0 < len(named.split()) <= 3:  # a pick from the terse choices ('Pipeline.')
                return says.focus_on.format(topic=named[0].lower() + named[1:])
            return fresh(says.care_focus, n, turn.asked)
        if turn.intent == "wrap":  # the session is done: no question left to ask
            return fresh(says.wrap, n, turn.asked)
        if turn.intent == "terse":
            return _say(fresh(says.terse, n, turn.asked))
        if turn.intent == "contrast":  # the figure beside the claim, then hand it back
            return _say(turn.ack, fresh(says.contrast_question, n, turn.asked))
        if turn.intent == "steer":  # never says back what the rep wrote
            probe = self._pick(turn, turn.stage.probes) or self._question(turn, lang)
            return _say(fresh(says.steer_back, n, turn.asked), probe)  # short: the rep talks
        if turn.intent == "offer":
            return _say(says.offer_lead, try_render(turn.stage.offer, turn.context, item=turn.item))
        if turn.intent == "idea":
            return _say(try_render(turn.stage.idea, turn.context, item=turn.item) or "")
        if turn.intent == "close":
            close = says.close
            # once every closing line was said, the coach's own question, then the stage's
            question = self._pick(turn, close) or self._pick(turn, [says.default_question]) or \
                self._pick(turn, [turn.stage.fallback]) or close[n % len(close)]
            if turn.ack:  # commitments just given are said back, whatever the room
                return _say(turn.ack, question)
            return _brief(_mirror(last, n, names, lang), question, turn.asked, last)
        if turn.correction:  # a regeneration: play it safe with the stage's fallback
            return _say(try_render(turn.stage.fallback, turn.context, item=turn.item) or "")
        return _say(turn.ack, self._question(turn, lang, recent)) if turn.ack else \
            _brief(_mirror(last, n, names, lang), self._question(turn, lang, recent), turn.asked, last)

    def stream(self, turn: CoachTurn) -> Iterator[str]:
        text = self.reply_text(turn)
        words = text.split(" ")
        for i in range(0, len(words), 4):
            yield " ".join(words[i:i + 4]) + (" " if i + 4 < len(words) else "")

    def complete_json(self, turn: CoachTurn, schema: dict) -> dict:
        today = date.fromisoformat(turn.context.get("today") or date.today().isoformat())
        name = (turn.context.get("rep") or {}).get("name") or ""
        data = extract_summary(turn.mode, turn.transcript, today, name, turn.context, turn.record)
        validate_summary(data)
        return data
