"""The flow with an engine that hears (``hears = True``): the model reads the rep's message and
writes the reply in one call (heard.py), so the offline readers (language/reading.py,
notice.py, language/commitments.py) are not used; they stay the guided engine's.

How a turn's step is chosen, since hearing and replying are one call:

1. Before the call (``plan``), from the state as it is: a quick reply the rep picked is a
   record and goes through the flow as with every engine (flow.hear). Otherwise a pending
   follow-up is taken as answered (its status still unknown) and the turn asks about the next
   due commitment or opens the mode; past the last stage the turn closes; else the step is
   ``hear``: the current stage (and item), and where the reply moves on to *if the model
   judges the question answered* (``Step.then``: the next item or stage).
2. After the call (``apply``), the model's signals update the state: ``answered`` (or, on a
   walking stage, a rating) advances the item or the stage, as the reply already did; a flag
   (injection, strain, off topic) marks the rep's turn as no answer (TurnRecord.flag: kept out
   of the summary, the record and every later prompt) and advances nothing; the follow-up
   status and the rating are *proposals* (source "proposed": recorded only when the rep
   confirms, answers.py); drafted commitments join the flow's heard ones (the drafts the rep
   confirms at the end); the language corrects a detected one. The quick replies that go
   with the reply are chosen last, from the updated state.

A turn whose answer was unusable twice falls back (turn.py): nothing is heard, nothing moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import flow, language, quick_replies
from .flow import _advance, _offer, _unrated, follow_up_question, remember
from .heard import Heard
from .language import session as session_language
from .language.commitments import merge
from .modes import Mode, StageSpec
from .state import SessionState, Step, TurnRecord


def plan(state: SessionState, mode: Mode, rep_text: str, choice: str | None = None) -> Step:
    """The step of this turn, decided before the model hears ``rep_text``."""
    if choice is not None and quick_replies.label(state.flow.offered, choice) is not None:
        step = flow.hear(state, mode, rep_text, choice)  # a pick is the rep's answer itself
        step.hearing = "choice"
        return step
    state.flow.offered = None
    state.offer_state = "none"  # words after an offer: only a picked "yes" gives the idea
    if state.flow.follow_ups_answered < state.flow.follow_ups_asked:
        return _follow_up(state, rep_text)
    stage = mode.stage(state.stage)
    state.turns.append(TurnRecord("rep", rep_text, stage.key))
    if state.flow.complete:
        return Step("close", hearing="stage")
    return Step("hear", hearing="stage", then=_then(state, mode, stage))


def _follow_up(state: SessionState, rep_text: str) -> Step:
    lang = language.of(state.context)
    state.turns.append(TurnRecord("rep", rep_text, "follow_up"))
    done = state.due_commitments.pop(0)
    state.flow.follow_ups_answered += 1
    answered = {"kind": "follow_up", "commitment_id": done.get("id"), "text": done["text"],
                "value": "", "note": rep_text[:500], "source": "proposed"}
    if not state.due_commitments:
        return Step("open", hearing="follow_up", heard_about=answered)
    state.flow.follow_ups_asked += 1
    following = state.due_commitments[0]
    return Step("follow_up", say=follow_up_question(following, state.flow.follow_ups_answered,
                                                    lang),
                due=following, hearing="follow_up", heard_about=answered,
                choices=quick_replies.follow_up(following.get("id"), lang))


def _then(state: SessionState, mode: Mode, stage: StageSpec) -> dict:
    """Where the reply goes once the current question is answered: {"goal", "item"} of the next
    item or stage, or {} when that was the last (the coach closes)."""
    ahead = state.copy()
    if stage.each:
        items = mode.items(stage, state.context)
        index = _unrated(ahead, items, ahead.flow.item_index + 1)
        if index < len(items):
            return {"goal": stage.goal, "item": mode.said(items[index])}
    if _advance(ahead, mode, stage) == "close":
        return {}
    following = mode.stage(ahead.stage)
    items = mode.items(following, ahead.context) if following.each else []
    item = items[ahead.flow.item_index] if ahead.flow.item_index < len(items) else None
    return {"goal": following.goal, "item": item and mode.said(item)}


def current_item(state: SessionState, mode: Mode) -> str | None:
    """The key of the item a walking stage is on, else None."""
    stage = mode.stage(state.stage)
    items = mode.items(stage, state.context) if stage.each else []
    return items[state.flow.item_index] if state.flow.item_index < len(items) else None


def apply(state: SessionState, mode: Mode, step: Step, heard: Heard | None) -> list[dict]:
    """Update the state with what the model heard (None: nothing usable); the answers heard
    this turn, for the record. Sets the step's quick replies."""
    heard = heard or Heard()
    if heard.language:
        _language(state, heard.language)
    if step.hearing == "choice":
        return []
    answers = _signals(state, mode, step, heard)
    if step.intent == "hear" and heard.aside is None:
        _move(state, mode, heard)
    step.choices = step.choices if step.intent == "follow_up" else None
    _offer(state, mode, replace(step, intent="ask") if step.intent == "hear" else step)
    step.choices = state.flow.offered
    return answers


def _signals(state: SessionState, mode: Mode, step: Step, heard: Heard) -> list[dict]:
    rep_at = max(i for i, t in enumerate(state.turns) if t.role == "rep")
    aside = heard.aside
    answers = []
    if step.heard_about is not None:  # asked once either way; a status only from an answer
        value = "" if aside else heard.follow_up or ""
        answers.append(remember(state, {**step.heard_about, "value": value}))
    if aside:  # no answer: nothing it said becomes a proposal, a draft or a move
        state.turns[rep_at] = replace(state.turns[rep_at], flag=aside)
        if aside == "personal":
            state.flow.probes["care"] = 1
        return answers
    item = current_item(state, mode) if step.intent == "hear" else None
    if item is not None and heard.rating is not None:
        answers.append(remember(state, {"kind": "rating", "skill": item, "value": heard.rating,
                                        "note": state.turns[rep_at].text[:500],
                                        "source": "proposed"}))
    if heard.commitments:
        _drafts(state, heard.commitments)
    return answers


def _drafts(state: SessionState, drafted: list[dict]) -> None:
    """The model's drafted commitments join the heard ones (repeats merged), as the offline
    coach's do: the end view shows them for the rep to confirm."""
    lang = language.of(state.context)
    found = [{"text": c["text"], "measure": c["measure"] or "", "kind": c["kind"],
              "stage": state.stage, "due_date": c["due_date"]} for c in drafted]
    known = [{**c, "due_date": c["due_date"] and date.fromisoformat(c["due_date"])}
             for c in state.flow.heard + found]
    state.flow.heard = [{**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
                        for c in merge(known, lang)]


def _move(state: SessionState, mode: Mode, heard: Heard) -> None:
    """Advance as the reply did when the question was answered; else count a probe, and once
    the stage's turns are used up move on anyway, so no model keeps a rep on one question."""
    stage = mode.stage(state.stage)
    used = state.flow.probes.get(stage.key, 0)
    if stage.each:
        done = heard.answered or heard.rating is not None or used >= stage.advance.max_probes
        if not done:
            state.flow.probes[stage.key] = used + 1
            return
        items = mode.items(stage, state.context)
        state.flow.probes[stage.key] = 0
        state.flow.item_index = _unrated(state, items, state.flow.item_index + 1)
        if state.flow.item_index >= len(items):
            _advance(state, mode, stage)
        return
    coach_turns = sum(1 for t in state.turns if t.role == "coach" and t.stage == stage.key)
    if heard.answered or coach_turns >= stage.advance.max_turns:
        _advance(state, mode, stage)
    else:
        state.flow.probes[stage.key] = used + 1


def _language(state: SessionState, code: str) -> None:
    """The model's reading of the language settles a default or detected one (never the
    user's locale nor a chosen one)."""
    context = state.context
    if context.get("language_source", "default") not in ("default", "detected") or \
            code == language.of(context).code or code not in language.shipped():
        return
    session_language.switch(context, code, "detected")
