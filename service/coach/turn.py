"""One coach turn: prompt -> engine -> guard -> regenerate or fall back, as one TurnResult.

``Coach.open`` / ``Coach.respond`` are generators yielding ``Delta`` pieces while the coach
speaks, maybe one ``Replace`` (the guard rejected what streamed), and last a ``TurnResult``.
Consume them fully: the state is updated at the end, and only on success, so an EngineError
leaves the state as it was and the same call can be retried. What the turn must do is the
flow's decision (flow.py; with an engine that hears, hearing.py plans the step before the call
and applies the model's signals after it); which engine speaks, the coach never knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

from . import flow, guard, hearing, language
from .engines.base import CoachTurn
from .errors import EngineError
from .language import session as session_language
from .language.reflect import reflect
from .modes import Mode, StageSpec, load_modes
from .prompt.budget import count_messages, count_tokens, fit
from .prompt.context_block import block_wording, data_message
from .prompt.render import render_file, try_render
from .release import Gate
from .state import SessionState, Step, TurnRecord
from .substance import Said
from .summary.draft import SessionDraft, draft_summary, redrawn_parts
from .summary.record import redraw


class Delta(str):
    """A piece of the coach's reply as it streams."""


@dataclass
class Replace:
    """The guard rejected the streamed text; this is the final text to show instead."""

    text: str


@dataclass
class TurnResult:
    """What one coach turn said and what it heard, for the orchestration to store."""

    text: str
    stage: str | None
    guard: dict                       # {"outcome": passed|regenerated|fallback, "reasons": [...]}
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    answers: list[dict] = field(default_factory=list)  # heard this turn (flow.FlowState.answers)
    choices: dict | None = None  # the quick replies offered with it (quick_replies.py)
    intent: str = "ask"


SET_ASIDE = "(message set aside: not an answer)"
# the reason a hearing engine's unusable answer is regenerated with (the model reads it)
UNUSABLE = "the answer was not one JSON object of the requested shape with a reply"


class Coach:
    def __init__(self, engine, *, modes: dict[str, Mode] | None = None, token_budget: int = 3000,
                 max_reply_tokens: int = 300):
        self.engine = engine
        self.modes = modes if modes is not None else load_modes()
        self.token_budget = token_budget
        self.max_reply_tokens = max_reply_tokens

    def mode(self, state: SessionState) -> Mode:
        """The session's mode in the session's language (English when it has no overlay)."""
        return self.modes[state.mode].in_language(language.of(state.context).code)

    def open(self, state: SessionState):
        work = state.copy()
        mode = self.mode(work)
        yield from self._speak(work, mode, flow.opening(work, mode))
        state.__dict__.update(work.__dict__)

    def respond(self, state: SessionState, rep_text: str, choice: str | None = None):
        work = state.copy()
        text = " ".join((rep_text or "").split())
        # a quick reply's label alone is too short to tell (detect.MIN_WORDS)
        session_language.hear(work.context, text, sum(t.role == "rep" for t in work.turns))
        mode = self.mode(work)  # after the language is heard: the rep's first words may set it
        step = (hearing.plan if self.hears else flow.hear)(work, mode, text, choice)
        yield from self._speak(work, mode, step)
        state.__dict__.update(work.__dict__)

    def draft_summary(self, state: SessionState) -> SessionDraft:
        return draft_summary(self.engine, self.mode(state), state, self.token_budget)

    def redraw(self, state: SessionState, summary: str, commitments: list[dict]) -> str:
        """The summary after the rep's edit: the record's parts drawn again (state.drawn is
        updated), the rep's own prose kept."""
        fresh = redrawn_parts(self.mode(state), state, commitments)
        text, state.drawn = redraw(summary, state.drawn, fresh), fresh
        return text

    @property
    def hears(self) -> bool:
        """The engine's model reads the rep's message itself (heard.py): the flow takes its
        signals instead of the offline readers."""
        return bool(getattr(self.engine, "hears", False))

    @property
    def offline(self) -> bool:
        """The engine is the built-in coach, which coaches only in full languages."""
        return bool(getattr(self.engine, "builtin", False))

    def _voice(self, work: SessionState) -> language.Language:
        """The language this turn's reply is written in, for the guard: the session's, or, from
        the offline coach in a language it does not coach in, English."""
        lang = language.of(work.context)
        return lang.offline if self.offline else lang

    def _speak(self, work: SessionState, mode: Mode, step: Step):
        work.context["replies_in"] = self._voice(work).code
        fixed = step.say and (step.due is None or getattr(self.engine, "speaks_flow_lines", False))
        turn = self._say_fixed(work, step) if fixed else self._generate(work, mode, step)
        notice = session_language.notice(work.context, language.coached()) \
            if self.offline else ""
        if not notice:
            yield from turn
            return
        yield Delta(notice + " ")  # the rep reads first why the coach goes on in English
        for item in turn:
            if isinstance(item, Replace):
                item = Replace(f"{notice} {item.text}")
            elif isinstance(item, TurnResult):
                item.text = work.turns[-1].text = f"{notice} {item.text}"
            yield item

    def _say_fixed(self, work: SessionState, step: Step):
        # the flow's own lines are in the language the offline coach writes the session in
        verdict = guard.check(step.say, lang=language.of(work.context).offline)
        yield Delta(step.say)
        outcome = {"outcome": "passed" if verdict.ok else "fallback", "reasons": verdict.reasons}
        work.turns.append(TurnRecord("coach", step.say, "follow_up", guard=outcome))
        yield TurnResult(step.say, "follow_up", outcome, answers=list(step.answers),
                         choices=step.choices, intent="follow_up")

    def _messages(self, work: SessionState, mode: Mode, stage: StageSpec, intent, item, ack=""):
        system = render_file("system.j2", mode=mode, stage=stage, intent=intent, item=item,
                             ack=ack, language=language.of(work.context).name)
        folded = work.flow.folded
        # a flagged turn (an instruction to the coach) never reaches the model's prompt
        turns = [{"role": "assistant" if t.role == "coach" else "user",
                  "content": SET_ASIDE if t.flag else t.text, "stage": t.stage}
                 for t in work.turns[folded:]]

        def head(digest):
            return [{"role": "system", "content": system}, data_message(work.context, digest)]

        messages, more, digest = fit(head(work.digest), turns,
                                     self.token_budget - self.max_reply_tokens,
                                     digest=work.digest, render_head=head)
        work.flow.folded = folded + more
        work.digest = digest
        return messages

    def _where(self, work: SessionState, mode: Mode) -> tuple[StageSpec, str | None]:
        """The session's stage and the item it is on, as this language says it ('la
        prospección'): the item's key stays in the flow."""
        stage = mode.stage(work.stage)
        items = mode.items(stage, work.context)
        return stage, mode.said(items[min(work.flow.item_index, len(items) - 1)]) if items \
            else None

    def _hearing(self, step: Step, planning: bool) -> dict | None:
        """What the model is to hear this turn (CoachTurn.hearing), for an engine that hears;
        ``planning``: from the mode's first plan stage on, every action named counts."""
        if not self.hears or step.hearing not in ("stage", "follow_up"):
            return None
        about = step.heard_about
        return {"then": step.then if step.intent == "hear" else None,
                "follow_up": about and about["text"], "plan": planning}

    def _fallback(self, work, stage, item, said: Said) -> str:
        """The stage's fallback question (or, once asked, the first of the stage's and the
        coach's own questions the session has not had), after a reflection when both pass."""
        lang = language.of(work.context).offline
        last = next((t.text for t in reversed(work.turns) if t.role == "rep"), "")
        says = lang.phrasing.coach
        candidates = [try_render(q, work.context, item=item) for q in
                      (stage.fallback, *stage.probes, *stage.questions)]
        candidates = [q for q in candidates if q] + [says.default_question, *says.close]
        plain = dc_replace(said, rep="")  # our own question: it never echoes the rep
        question = next((q for q in candidates if guard.check(q, lang=lang, said=plain).ok),
                        candidates[0])
        text = f"{reflect(last, len(work.turns), lang=lang)} {question}".strip()
        return text if guard.check(text, lang=lang, said=said).ok else question

    def _said(self, work: SessionState, turn: CoachTurn) -> Said:
        """What this turn's reply is judged against (substance.Said)."""
        rep = next((t.text for t in reversed(work.turns) if t.role == "rep"), "")
        extra = getattr(self.engine, "instructions", None)
        prompt = [m["content"] for m in turn.messages if m["role"] == "system"]
        prompt += extra(turn) if extra else [turn.correction or ""]
        return Said(asked=tuple(turn.asked), prompt=tuple(p for p in prompt if p),
                    data=block_wording(),
                    rep=rep, intent=turn.intent, said_back=turn.ack)

    def _draft(self, turn: CoachTurn, rules: dict, said: Said):
        """Stream one draft through the gate: yields the text that passed, returns the verdict
        and the whole draft. The engine is stopped at the first sentence that fails."""
        gate = Gate(lambda text, partial: guard.check(text, partial=partial, said=said, **rules))
        pieces = self.engine.stream(turn)
        try:
            for piece in pieces:
                shown = gate.feed(piece)
                if shown:
                    yield Delta(shown)
                if gate.failed:
                    break
        finally:
            close = getattr(pieces, "close", None)
            if close:
                close()
        if gate.failed and turn.usage is None and getattr(self.engine, "reports_usage", False):
            # stopped before the server's usage came: what it read and wrote still counts
            turn.usage = {"prompt_tokens": count_messages(turn.messages),
                          "completion_tokens": count_tokens(gate.text)}
        verdict, rest = gate.finish()
        if self.hears and turn.signals is None and not gate.failed:  # read to its end: unusable
            verdict = guard.GuardVerdict(ok=False, reasons=[UNUSABLE, *verdict.reasons])
            rest = ""
        if rest.strip():  # not the space an engine may end a whole reply with (openai.py)
            yield Delta(rest)
        return verdict, gate.text.strip()

    def _generate(self, work: SessionState, mode: Mode, step: Step):
        intent = step.intent
        stage, item = self._where(work, mode)
        asked = [t.text for t in work.turns if t.role == "coach"]
        turn = CoachTurn("reply", mode, stage, work.context,
                         self._messages(work, mode, stage, intent, item, step.ack),
                         max_tokens=self.max_reply_tokens, intent=intent, item=item,
                         asked=asked, turn_index=len(asked), ack=step.ack,
                         heard=flow.dated_heard(work), measured=flow.dated_heard(work, measured=True),
                         followed=step.followed, due=step.due,
                         hearing=self._hearing(step, mode.planning(stage)))
        rules = {"offer_accepted": intent == "idea", "require_open": intent != "offer",
                 "closing": intent == "wrap", "lang": self._voice(work)}
        verdict, text = yield from self._draft(turn, rules, self._said(work, turn))
        outcome, reasons, usages = "passed", list(verdict.reasons), [turn.usage]
        heard, answers = turn.signals, list(step.answers)
        if not verdict.ok:
            retry = dc_replace(turn, correction="; ".join(verdict.reasons), usage=None)
            said = self._said(work, retry)
            try:
                text = "".join(self.engine.stream(retry)).strip()
                second = guard.check(text, said=said, **rules)
                if self.hears and retry.signals is None:
                    second = guard.GuardVerdict(ok=False, reasons=[UNUSABLE, *second.reasons])
            except EngineError:
                second = guard.GuardVerdict(ok=False, reasons=["engine failed on retry"])
            usages.append(retry.usage)
            heard = retry.signals or heard  # what was heard stays heard, whichever draft said it
            outcome = "regenerated" if second.ok else "fallback"
            if not second.ok:
                reasons += [r for r in second.reasons if r not in reasons]
                if step.hearing:  # the fallback asks where the signals leave the session
                    answers += hearing.apply(work, mode, step, heard)
                    step.hearing = "applied"
                    stage, item = self._where(work, mode)
                text = step.say or self._fallback(work, stage, item, said)
            yield Replace(text)
        text = " ".join(text.split())
        if step.hearing and step.hearing != "applied":  # the model's signals update the state
            answers += hearing.apply(work, mode, step, heard)
        record = {"outcome": outcome, "reasons": reasons}
        said_in = "follow_up" if step.due else work.stage  # where the reply left the session
        work.turns.append(TurnRecord("coach", text, said_in, guard=record))
        known = [u for u in usages if u]
        yield TurnResult(
            text, said_in, record,
            prompt_tokens=sum(u["prompt_tokens"] or 0 for u in known) if known else None,
            completion_tokens=sum(u["completion_tokens"] or 0 for u in known) if known else None,
            answers=answers, choices=step.choices, intent=intent)
