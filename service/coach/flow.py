"""The flow: the decision of what the next coach turn must do, from the session state
(state.py) and what the rep just said.

Follow-ups of due commitments come first, then the mode's stages top to bottom. What the rep
just said decides the turn's *intent* (ask, probe, turn_back, offer, idea, close...); turn.py
speaks it. Where an answer is a record (a follow-up, a rating, the offer) the step carries the
quick replies to offer with it; a picked one is the rep's answer, words alone only propose.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import language, quick_replies
from .language.commitments import commitments_in, merge, spoken_due
from .language.reading import (
    asks_for_answer,
    asks_help,
    classify_follow_up,
    feels_strain,
    is_injection,
    is_vague,
    needs_no_help,
    ratings_in,
    says_yes,
)
from .language.reflect import acknowledge, follow_up_ack
from .modes import Mode, StageSpec
from .notice import notice
from .state import FLOW_VERSION, FlowState, SessionState, Step, TurnRecord

__all__ = ["FLOW_VERSION", "FlowState", "SessionState", "Step", "TurnRecord", "hear", "opening",
           "remember"]


def _due(value, lang: language.Language) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return lang.phrasing.follow_up.due.format(date=lang.day_month(day))


def follow_up_question(commitment: dict, index: int,
                       lang: language.Language = language.ENGLISH) -> str:
    """The check-in on a due commitment: the first (``index`` 0) or a later one."""
    said = lang.phrasing.follow_up
    text = commitment["text"].strip().rstrip(".")
    question = said.next_question[(index - 1) % len(said.next_question)] if index \
        else said.first_question
    return question.format(text=text, due=_due(commitment.get("due_date"), lang))


def opening(state: SessionState, mode: Mode) -> Step:
    """The session's first turn: the first due commitment's follow-up, else the mode's opening."""
    state.stage = state.stage or mode.stages[0].key
    if state.due_commitments:
        state.flow.follow_ups_asked += 1
        lang = language.of(state.context)
        first = state.due_commitments[0]
        step = Step("follow_up", say=follow_up_question(first, 0, lang), due=first,
                    choices=quick_replies.follow_up(first.get("id"), lang))
    else:
        step = Step("open")
    return _offer(state, mode, step)


def hear(state: SessionState, mode: Mode, rep_text: str, choice: str | None = None) -> Step:
    """Record the rep's answer (typed, or the quick reply ``choice`` picked from what the last
    turn offered, with any words typed along) and decide the next turn."""
    offered, state.flow.offered = state.flow.offered, None
    label = quick_replies.label(offered, choice)
    if label is None:
        choice = None  # not one of the options offered: only the words count
    note = "" if choice is not None and rep_text.strip().lower() == label.lower() else rep_text
    if choice is None and is_injection(rep_text, language.of(state.context)):
        return _steer_back(state, rep_text, offered)
    if state.offer_state == "accepted":
        state.offer_state = "none"
    if state.flow.follow_ups_answered < state.flow.follow_ups_asked:
        return _offer(state, mode, _follow_up_answer(state, rep_text, choice, note))
    stage = mode.stage(state.stage)
    state.turns.append(TurnRecord("rep", rep_text, stage.key, choice=choice))
    return _offer(state, mode, _decide(state, mode, stage, rep_text, choice, note))


def _steer_back(state: SessionState, rep_text: str, offered: dict | None) -> Step:
    """An instruction to the coach is no answer: the turn is kept flagged (out of the summary,
    the commitments and the ratings) and the open question is asked again, the same quick
    replies with it."""
    pending = state.flow.follow_ups_answered < state.flow.follow_ups_asked
    state.turns.append(TurnRecord("rep", rep_text, "follow_up" if pending else state.stage,
                                  flag="injection"))
    state.flow.offered = offered
    if not pending:
        return Step("steer", choices=offered)
    lang = language.of(state.context)
    said = [t.text for t in state.turns if t.role == "coach"]
    lead = language.fresh(lang.phrasing.coach.steer_back, len(state.turns), said)
    question = follow_up_question(state.due_commitments[0], state.flow.follow_ups_answered, lang)
    return Step("follow_up", say=f"{lead} {question}",
                choices=offered, due=state.due_commitments[0], intent_note="steer")


def remember(state: SessionState, answer: dict) -> dict:
    """Keep ``answer`` in the session's answers: it replaces an earlier one on the same
    commitment or skill, unless that one was chosen and this one only read from text."""
    key = "commitment_id" if answer["kind"] == "follow_up" else "skill"
    answers = state.flow.answers
    earlier = next((a for a in answers if a["kind"] == answer["kind"]
                    and a[key] == answer[key]), None)
    if earlier is not None:
        if earlier["source"] == "choice" and answer["source"] != "choice":
            return earlier
        answers.remove(earlier)
    answers.append(answer)
    return answer


def _follow_up_answer(state: SessionState, rep_text: str, choice: str | None,
                      note: str) -> Step:
    lang = language.of(state.context)
    state.turns.append(TurnRecord("rep", rep_text, "follow_up", choice=choice))
    done = state.due_commitments.pop(0)
    state.flow.follow_ups_answered += 1
    value = choice or classify_follow_up(note, lang)
    answer = remember(state, {
        "kind": "follow_up", "commitment_id": done.get("id"), "text": done["text"],
        "value": "" if value == "unclear" else value, "note": note[:500],
        "source": "choice" if choice else "proposed"})
    said_back = follow_up_ack(note, value, lang)
    if state.due_commitments:
        state.flow.follow_ups_asked += 1
        following = state.due_commitments[0]
        question = follow_up_question(following, state.flow.follow_ups_answered, lang)
        return Step("follow_up", say=f"{said_back} {question}".strip(), answers=[answer],
                    choices=quick_replies.follow_up(following.get("id"), lang), due=following,
                    followed=value)
    if "care" not in state.flow.probes and feels_strain(note, lang):  # before the figures
        state.flow.probes["care"] = 1
        return Step("care", followed=value, answers=[answer])
    # say back how it went, then open the mode with the figures
    return Step("open", ack=said_back, followed=value, answers=[answer])


def _offer(state: SessionState, mode: Mode, step: Step) -> Step:
    """The quick replies that go with the step's question: the flow offers them and a choice
    must be one of them (hear)."""
    if step.choices is None:
        stage = mode.stage(state.stage)
        if step.intent == "offer":
            step.choices = quick_replies.offer(language.of(state.context))
        elif stage.each and step.intent in ("ask", "probe", "open") and not state.flow.complete:
            items = mode.items(stage, state.context)
            if state.flow.item_index < len(items):
                step.choices = quick_replies.rating(items[state.flow.item_index])
    state.flow.offered = step.choices
    return step


def _decide(state: SessionState, mode: Mode, stage: StageSpec, rep_text: str,
            choice: str | None = None, note: str = "") -> Step:
    flow, lang = state.flow, language.of(state.context)
    if state.offer_state == "offered":
        state.offer_state = "none"
        flow.asks = 0
        if choice == "yes" or (choice is None and says_yes(rep_text, lang)):
            state.offer_state = "accepted"
            return Step("idea")
        if choice == "no":
            return Step("ask")
    if asks_for_answer(rep_text, lang):
        flow.asks += 1
        offered_here = f"offer:{stage.key}"
        if flow.asks >= 2 and offered_here not in flow.probes:  # one offer per stage: never
            flow.probes[offered_here] = 1                     # the same offer twice
            state.offer_state = "offered"
            return Step("offer")
        return Step("turn_back")
    focus = _focus(state, mode, stage)
    if focus is not None:
        return focus
    noticed = notice(state, rep_text, choice, lang)
    if noticed is not None:
        return noticed
    dated, ack = _hear_commitments(state, mode, stage, rep_text)
    if flow.complete:
        # the takeaway is in: no more questions, unless the rep just asked for help or committed
        if not ack and "wrap" not in flow.probes and \
                not asks_help(rep_text, lang):
            flow.probes["wrap"] = 1
            return Step("wrap")
        return Step("close", ack=ack)
    used = flow.probes.get(stage.key, 0)
    if stage.each:
        return _walk(state, mode, stage, rep_text, choice, note, ack)
    if dated and stage.plan and stage.collect != "commitments":
        return Step(_advance(state, mode, stage), ack=ack)  # the plan is already a commitment
    helping = _help_ahead(state, mode, stage, rep_text, lang)
    if helping is not None:  # the help asked before the question: filed there, not re-asked
        return Step(_advance(state, mode, helping), ack=ack)
    if dated_heard(state) and stage.collect == "commitments" and \
            is_vague(rep_text, stage.advance.probe_below_words, lang):
        return Step(_advance(state, mode, stage), ack=ack)  # 'nothing else': the list is done
    if stage.collect == "help" and needs_no_help(rep_text, lang):
        return Step(_advance(state, mode, stage), ack=ack)  # answered: no help wanted
    if is_vague(rep_text, stage.advance.probe_below_words, lang) and \
            used < stage.advance.max_probes:
        flow.probes[stage.key] = used + 1
        return Step("probe", ack=ack)
    # what counts as an answer: not an instruction to the coach nor a personal aside
    answers = [t.text for t in state.turns
               if t.role == "rep" and t.stage == stage.key and not t.flag]
    coach_turns = sum(1 for t in state.turns if t.role == "coach" and t.stage == stage.key)
    words = sum(len(a.split()) for a in answers)
    rule = stage.advance
    if rule.min_answers == 1 and len(answers) == 1 and words < rule.min_words \
            and used < rule.max_probes and not stage.collect:
        flow.probes[stage.key] = used + 1  # one short answer: dig into it, never re-ask
        return Step("probe", ack=ack)
    if (len(answers) >= rule.min_answers and words >= rule.min_words) \
            or coach_turns >= rule.max_turns:
        return Step(_advance(state, mode, stage), ack=ack)
    return Step("ask", ack=ack)


def _focus(state: SessionState, mode: Mode, stage: StageSpec) -> Step | None:
    """The answer to the care or the terse question is the rep saying what this session is for:
    the coach follows it, once, and the session goes on from the first planning stage, since
    reading the figures is what a rep under strain just said they cannot do."""
    flow = state.flow
    asked = next((key for key in ("care", "terse") if flow.probes.get(key) == 1), None)
    if asked is None:
        return None
    flow.probes[asked] = 2
    planning = next((s for s in mode.stages if s.plan or s.collect), None)
    if asked == "care":  # what a rep under strain tells of their days stays out of the record
        state.turns[-1] = replace(state.turns[-1], flag="personal")
        if planning is not None and mode.stages.index(planning) > mode.stages.index(stage):
            state.stage = planning.key
            state.turns[-1] = replace(state.turns[-1], stage=planning.key)
            flow.item_index = 0
    return Step("focus")


def _help_ahead(state, mode: Mode, stage: StageSpec, rep_text: str, lang) -> StageSpec | None:
    """A request for help given while the coach still collects commitments: the rep answered
    the help question before it came, so the answer is filed under it and it is not asked."""
    if stage.collect != "commitments" or not dated_heard(state) or \
            not asks_help(rep_text, lang):
        return None
    later = mode.stages[mode.stages.index(stage) + 1:]
    helping = next((s for s in later if s.collect == "help"), None)
    if helping is not None:
        state.turns[-1] = replace(state.turns[-1], stage=helping.key)
    return helping


def _hear_commitments(state: SessionState, mode: Mode, stage: StageSpec, rep_text: str):
    """The commitments in this answer, structured and remembered with the stage that heard
    them (the draft takes them from here), and the line that says the dated ones back. From the
    first plan stage on, every action named counts; before it only a firm 'I will ... by'."""
    today, lang = state.today(), language.of(state.context)
    found = [{**c, "stage": stage.key} for c in
             commitments_in(rep_text, today, strict=not mode.planning(stage), lang=lang)
             # an answer about help ('I can run this one on my own') commits to nothing
             # undated, but a keep/drop/create list given late still counts
             if stage.collect != "help" or c["kind"] != "action" or c["due_date"]]
    dated = [c for c in found if c["due_date"]]
    if not found:
        return dated, ""
    known = [{**c, "due_date": c["due_date"] and date.fromisoformat(c["due_date"])}
             for c in state.flow.heard]
    state.flow.heard = [{**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
                        for c in merge(known + found, lang)]
    if not dated:
        return dated, ""
    return dated, acknowledge(dated, lambda d: spoken_due(d, today, lang), lang)


def dated_heard(state: SessionState, *, measured: bool = False) -> int:
    """The dated commitments heard this session (``measured``: those with a measure too)."""
    return sum(1 for c in state.flow.heard if c.get("due_date") and
               (c.get("measure") or not measured))


def _rated(state: SessionState) -> set[str]:
    return {a["skill"] for a in state.flow.answers if a["kind"] == "rating"}


def _walk(state, mode, stage, rep_text, choice, note, ack) -> Step:
    """A stage that goes through a list (skills): a rating and note per item, picked or read
    from the words (for the skill they name, whichever was asked), each item asked until it
    has one or its probes are used, an item already rated never asked again."""
    lang = language.of(state.context)
    items = mode.items(stage, state.context)
    index = state.flow.item_index
    current = items[index] if index < len(items) else None
    known = {(a["skill"], a["value"]) for a in state.flow.answers if a["kind"] == "rating"}
    if choice is not None and current is not None:
        heard = [remember(state, {"kind": "rating", "skill": current, "value": int(choice),
                                  "note": note[:500], "source": "choice"})]
    else:
        heard = [remember(state, {"kind": "rating", **r, "note": r["note"][:500],
                                  "source": "proposed"})
                 for r in ratings_in(rep_text, items, current, lang)]
    said = lang.phrasing.said_back
    if heard and choice is None:  # a picked rating is on the rep's screen: only words are said back
        noted = "; ".join(  # the same rating again is said as kept, never the same line twice
            (said.rating_kept if (a["skill"], a["value"]) in known else said.rating).format(
                skill=mode.said(a["skill"]), rating=a["value"]) for a in heard)
        ack = " ".join(x for x in (said.ratings.format(items=noted), ack) if x)
    used = state.flow.probes.get(stage.key, 0)
    if current is not None and current not in _rated(state) \
            and used < stage.advance.max_probes:
        state.flow.probes[stage.key] = used + 1
        return Step("probe", ack=ack, answers=heard)
    state.flow.probes[stage.key] = 0
    state.flow.item_index = _unrated(state, items, index + 1)
    if state.flow.item_index >= len(items):
        return Step(_advance(state, mode, stage), ack=ack, answers=heard)
    return Step("ask", ack=ack, answers=heard)


def _unrated(state: SessionState, items: list[str], start: int) -> int:
    rated = _rated(state)
    while start < len(items) and items[start] in rated:
        start += 1
    return start


def _advance(state: SessionState, mode: Mode, stage: StageSpec) -> str:
    following = mode.next_stage(stage.key)
    if following is None:
        state.flow.complete = True
        return "close"
    state.stage = following.key
    state.flow.item_index = 0
    if following.each:  # skills already rated in passing are not asked again
        items = mode.items(following, state.context)
        state.flow.item_index = _unrated(state, items, 0)
        if items and state.flow.item_index >= len(items):
            return _advance(state, mode, following)
    return "ask"
