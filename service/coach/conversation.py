"""The coaching flow: follow-ups first, then the mode's stages, a guard on every coach turn.

``Coach.open`` / ``Coach.respond`` are generators yielding ``Delta`` pieces while the coach
speaks, maybe one ``Replace`` (the guard rejected what streamed), and last a ``CoachReply``.
Consume them fully: the state is updated at the end, and only on success, so an EngineError
leaves the state as it was and the same call can be retried.
"""

from __future__ import annotations

from dataclasses import replace as dc_replace
from datetime import date

from . import guard, recap
from .budget import fit
from .commitments import commitments_in, merge, spoken_due
from .engines.base import CoachTurn
from .errors import EngineError
from .modes import Mode, StageSpec, load_modes
from .reading import (
    asks_for_answer,
    classify_follow_up,
    is_vague,
    parse_rating,
    says_yes,
)
from .reflect import acknowledge, follow_up_ack, reflect
from .state import CoachReply, Delta, Replace, SessionDraft, SessionState, TurnRecord
from .summary import SUMMARY_JSON_SCHEMA, plans, validate_summary
from .templates import data_message, render_file, try_render

FOLLOW_UP = ['You committed to "{text}"{due}. How did it go?',
             'Next: "{text}"{due}. How did that go?']


def _due(value) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f", due {day.day} {day:%B}"


def _today(work) -> date:
    value = work.context.get("today")
    return date.fromisoformat(value) if value else date.today()


def follow_up_question(commitment: dict, index: int) -> str:
    text = commitment["text"].strip().rstrip(".")
    return FOLLOW_UP[min(index, 1)].format(text=text, due=_due(commitment.get("due_date")))


class Coach:
    def __init__(self, engine, *, modes: dict[str, Mode] | None = None, token_budget: int = 3000,
                 max_reply_tokens: int = 300):
        self.engine = engine
        self.modes = modes if modes is not None else load_modes()
        self.token_budget = token_budget
        self.max_reply_tokens = max_reply_tokens

    # -- public -----------------------------------------------------------------------------
    def open(self, state: SessionState):
        work = state.copy()
        mode = self.modes[work.mode]
        work.stage = work.stage or mode.stages[0].key
        if work.due_commitments:
            question = follow_up_question(work.due_commitments[0], 0)
            yield from self._say_fixed(work, question, "follow_up")
        else:
            yield from self._generate(work, mode, "open")
        state.__dict__.update(work.__dict__)

    def respond(self, state: SessionState, rep_text: str):
        work = state.copy()
        mode = self.modes[work.mode]
        rep_text = " ".join((rep_text or "").split())
        if work.offer_state == "accepted":
            work.offer_state = "none"
        if work.extra.get("followed_up", 0) < work.extra.get("follow_ups_asked", 0):
            yield from self._follow_up_answer(work, mode, rep_text)
        else:
            stage = mode.stage(work.stage)
            work.turns.append(TurnRecord("rep", rep_text, stage.key))
            intent, ratings = self._decide(work, mode, stage, rep_text)
            yield from self._generate(work, mode, intent, ratings=ratings)
        state.__dict__.update(work.__dict__)

    def draft_summary(self, state: SessionState) -> SessionDraft:
        mode = self.modes[state.mode]
        ctx = state.context
        system = render_file("summary.j2", mode=mode, rep=ctx.get("rep") or {"name": "the rep"},
                             today=ctx.get("today") or date.today().isoformat())
        turns = [{"role": "assistant" if t.role == "coach" else "user", "content": t.text,
                  "stage": t.stage} for t in state.turns]
        head = [{"role": "system", "content": system}, data_message(ctx)]
        messages, _, _ = fit(head, turns, self.token_budget)
        transcript = [t.__dict__ for t in state.turns]
        facts = " ".join(x for x in (recap.figures_sentence(mode, ctx, {}, (ctx.get("rep") or {})
                                                            .get("name", "the rep")),
                                     recap.follow_up_sentence(transcript)) if x)
        turn = CoachTurn("summary", mode, mode.stages[-1], ctx, messages, max_tokens=800,
                         intent="summary", transcript=transcript, facts=facts)
        data = validate_summary(self.engine.complete_json(turn, SUMMARY_JSON_SCHEMA))
        opportunity_id = (ctx.get("opportunity") or {}).get("id") \
            if mode.needs == "opportunity" else None
        commitments = [{**c, "opportunity_id": opportunity_id} for c in data["commitments"]]
        return SessionDraft(data["summary"].strip(), commitments, data["help_asked"].strip())

    # -- deciding what the next coach turn must do ------------------------------------------
    def _follow_up_answer(self, work: SessionState, mode: Mode, rep_text: str):
        work.turns.append(TurnRecord("rep", rep_text, "follow_up"))
        done = work.due_commitments.pop(0)
        work.extra["followed_up"] = work.extra.get("followed_up", 0) + 1
        status = classify_follow_up(rep_text)
        update = {"id": done.get("id"), "status": status, "note": rep_text[:500]}
        work.extra.setdefault("outcomes", []).append(
            {"text": done.get("text", ""), "status": status, "note": rep_text[:500]})
        said_back = follow_up_ack(rep_text, status)
        if work.due_commitments:
            index = work.extra["followed_up"]
            question = follow_up_question(work.due_commitments[0], index)
            text = f"{said_back} {question}".strip()
            yield from self._say_fixed(work, text, "follow_up", update=update)
        else:  # say back how it went, then open the mode with the figures
            work.extra["ack"], work.extra["followed"] = said_back, status
            yield from self._generate(work, mode, "open", update=update)

    def _decide(self, work: SessionState, mode: Mode, stage: StageSpec, rep_text: str):
        extra = work.extra
        if work.offer_state == "offered":
            work.offer_state = "none"
            extra["asks"] = 0
            if says_yes(rep_text):
                work.offer_state = "accepted"
                return "idea", []
        if asks_for_answer(rep_text):
            extra["asks"] = extra.get("asks", 0) + 1
            if extra["asks"] >= 2:
                work.offer_state = "offered"
                return "offer", []
            return "turn_back", []
        dated = self._hear(work, stage, rep_text)
        if extra.get("complete"):
            return "close", []
        probes = extra.setdefault("probes", {})
        used = probes.get(stage.key, 0)
        if stage.each:
            return self._walk(work, mode, stage, rep_text, used)
        if dated and plans(stage) and stage.collect != "commitments":
            return self._advance(work, mode, stage), []  # the plan is already a commitment
        if extra.get("heard") and stage.collect == "commitments" and \
                is_vague(rep_text, stage.advance.probe_below_words):
            return self._advance(work, mode, stage), []  # 'nothing else': the list is done
        if is_vague(rep_text, stage.advance.probe_below_words) and used < stage.advance.max_probes:
            probes[stage.key] = used + 1
            return "probe", []
        answers = [t.text for t in work.turns if t.role == "rep" and t.stage == stage.key]
        coach_turns = sum(1 for t in work.turns if t.role == "coach" and t.stage == stage.key)
        words = sum(len(a.split()) for a in answers)
        rule = stage.advance
        if rule.min_answers == 1 and len(answers) == 1 and words < rule.min_words \
                and used < rule.max_probes and not stage.collect:
            probes[stage.key] = used + 1  # one short answer: dig into it, never re-ask
            return "probe", []
        if (len(answers) >= rule.min_answers and words >= rule.min_words) \
                or coach_turns >= rule.max_turns:
            return self._advance(work, mode, stage), []
        return "ask", []

    def _hear(self, work: SessionState, stage: StageSpec, rep_text: str) -> list[dict]:
        """Dated commitments in this answer; remembered, and said back in the next turn."""
        today = _today(work)
        dated = [c for c in commitments_in(rep_text, today, strict=not plans(stage))
                 if c["due_date"]]
        work.extra.pop("ack", None)
        if dated:
            known = [{**c, "due_date": date.fromisoformat(c["due_date"])}
                     for c in work.extra.get("heard", [])]
            work.extra["heard"] = [{**c, "due_date": c["due_date"].isoformat()}
                                   for c in merge(known + dated)]
            work.extra["ack"] = acknowledge(dated, lambda d: spoken_due(d, today))
        return dated

    def _walk(self, work, mode, stage, rep_text, used):
        """A stage that goes through a list (skills): one rating and note per item."""
        items = mode.items(stage, work.context)
        index = work.extra.get("item_index", 0)
        parsed = parse_rating(rep_text)
        ratings = []
        if parsed:
            ratings = [{"skill": items[index], "rating": parsed[0], "note": parsed[1]}]
            work.extra.setdefault("ratings", []).extend(ratings)
        elif used < stage.advance.max_probes:
            work.extra["probes"][stage.key] = used + 1
            return "probe", []
        index += 1
        work.extra["probes"][stage.key] = 0
        work.extra["item_index"] = index
        if index >= len(items):
            return self._advance(work, mode, stage), ratings
        return "ask", ratings

    def _advance(self, work: SessionState, mode: Mode, stage: StageSpec) -> str:
        following = mode.next_stage(stage.key)
        if following is None:
            work.extra["complete"] = True
            return "close"
        work.stage = following.key
        work.extra["item_index"] = 0
        return "ask"

    # -- speaking ---------------------------------------------------------------------------
    def _say_fixed(self, work, text, stage_key, update=None):
        verdict = guard.check(text)
        yield Delta(text)
        outcome = {"outcome": "passed" if verdict.ok else "fallback", "reasons": verdict.reasons}
        work.extra["follow_ups_asked"] = work.extra.get("follow_ups_asked", 0) + 1
        work.turns.append(TurnRecord("coach", text, stage_key, guard=outcome))
        yield CoachReply(text, stage_key, outcome, commitment_update=update, intent="follow_up")

    def _messages(self, work: SessionState, mode: Mode, stage: StageSpec, intent, item):
        system = render_file("system.j2", mode=mode, stage=stage, intent=intent, item=item)
        folded = work.extra.get("folded", 0)
        turns = [{"role": "assistant" if t.role == "coach" else "user", "content": t.text,
                  "stage": t.stage} for t in work.turns[folded:]]

        def head(summary):
            return [{"role": "system", "content": system}, data_message(work.context, summary)]

        messages, more, summary = fit(head(work.running_summary), turns,
                                      self.token_budget - self.max_reply_tokens,
                                      summary=work.running_summary, render_head=head)
        work.extra["folded"] = folded + more
        work.running_summary = summary
        return messages

    def _fallback(self, work, stage, item) -> str:
        last = next((t.text for t in reversed(work.turns) if t.role == "rep"), "")
        question = try_render(stage.fallback, work.context, item=item) or \
            "What matters most to you about this right now?"
        text = f"{reflect(last, len(work.turns))} {question}".strip()
        return text if guard.check(text).ok else question

    def _generate(self, work, mode, intent, *, update=None, ratings=()):
        stage = mode.stage(work.stage)
        items = mode.items(stage, work.context)
        item = items[min(work.extra.get("item_index", 0), len(items) - 1)] if items else None
        asked = [t.text for t in work.turns if t.role == "coach"]
        turn = CoachTurn("reply", mode, stage, work.context,
                         self._messages(work, mode, stage, intent, item),
                         max_tokens=self.max_reply_tokens, intent=intent, item=item,
                         asked=asked, turn_index=len(asked), ack=work.extra.pop("ack", ""),
                         heard=len(work.extra.get("heard", [])),
                         followed=work.extra.pop("followed", ""))
        rules = {"offer_accepted": intent == "idea", "require_open": intent != "offer"}
        parts = []
        for piece in self.engine.stream(turn):
            parts.append(piece)
            yield Delta(piece)
        text = "".join(parts).strip()
        verdict = guard.check(text, **rules)
        outcome, reasons, usages = "passed", list(verdict.reasons), [turn.usage]
        if not verdict.ok:
            retry = dc_replace(turn, correction="; ".join(verdict.reasons), usage=None)
            try:
                text = "".join(self.engine.stream(retry)).strip()
                second = guard.check(text, **rules)
            except EngineError:
                second = guard.GuardVerdict(ok=False, reasons=["engine failed on retry"])
            usages.append(retry.usage)
            outcome = "regenerated" if second.ok else "fallback"
            if not second.ok:
                reasons += [r for r in second.reasons if r not in reasons]
                text = self._fallback(work, stage, item)
            yield Replace(text)
        text = " ".join(text.split())
        record = {"outcome": outcome, "reasons": reasons}
        work.turns.append(TurnRecord("coach", text, stage.key, guard=record))
        known = [u for u in usages if u]
        yield CoachReply(
            text, stage.key, record,
            prompt_tokens=sum(u["prompt_tokens"] or 0 for u in known) if known else None,
            completion_tokens=sum(u["completion_tokens"] or 0 for u in known) if known else None,
            commitment_update=update, skill_ratings=list(ratings),
            complete=bool(work.extra.get("complete")), intent=intent)
