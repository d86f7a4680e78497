import re
from datetime import date
from pathlib import Path

import pytest

from service.coach import Coach, FakeEngine, GuidedEngine, ModeFileError, SessionState, load_modes
from service.coach.guard import check
from service.coach.modes import parse_mode
from service.coach.prompt.context_block import render_context_block
from service.coach.prompt.render import render_file, render_text
from service.coach.state import TurnRecord

EXPECTED = {"weekly_review", "opportunity_strategy", "account_planning", "territory_planning",
            "pre_call_planning", "call_debrief", "skills_audit"}


def test_every_mode_ships(modes):
    assert EXPECTED <= set(modes)


def test_every_question_renders_with_a_realistic_context(modes, context):
    for mode in modes.values():
        for stage in mode.stages:
            item = mode.items(stage, context)[0] if stage.each else None
            for source in (*stage.questions, *stage.probes, *stage.after_commitments,
                           stage.fallback, stage.offer):
                text = render_text(source, context, item=item)
                assert text.endswith("?"), (mode.key, stage.key, text)
                assert check(text, require_open=source != stage.offer).ok, (mode.key, text)
            idea = render_text(stage.idea, context, item=item)
            assert check(idea, offer_accepted=True).ok, (mode.key, idea)


def test_fallbacks_render_with_an_empty_context(modes):
    for mode in modes.values():
        for stage in mode.stages:
            item = mode.items(stage, {})[0] if stage.each else None
            assert render_text(stage.fallback, {}, item=item).endswith("?")


def test_shipped_prompts_render(modes, context):
    from service.coach.engines.base import INTENTS

    for mode in modes.values():
        for stage in mode.stages:
            for intent in (i for i in INTENTS if i != "summary"):
                text = render_file("system.j2", mode=mode, stage=stage, intent=intent, item="x",
                                   ack="The figures show 78% of quota for May.")
                assert stage.goal in text
    block = render_context_block(context, "Coach asked: what changed?")
    assert "EUR 42,000" in block and "Globex fleet renewal" in block and "DATA>>>" in block
    assert render_context_block({"rep": {"name": "Sam"}}).startswith("DATA BLOCK")
    summary = render_file("summary.j2", mode=modes["weekly_review"], rep=context["rep"],
                          today="2025-03-05")
    assert "JSON" in summary


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(body)
    return path


GOOD = '''key = "demo"
title = "Demo"
description = "d"
offer = "Would it help?"
idea = "One idea. How would that fit?"
[[stages]]
key = "one"
goal = "g"
questions = ["What happened?"]
probes = ["Tell me more?"]
fallback = "What else?"
'''


# stages no shipped mode has; the summary names hypotheses first although signals come first
NEW_MODE = '''key = "hypothesis_review"
title = "Hypothesis review"
description = "Say what you believe is stalling your deals, and choose how to test it."
offer = "Would it help to look at one of those beliefs from the customer's side?"
idea = "One option some reps use is to test a belief on three calls first. How might that work for you?"
summary_stages = ["hypotheses", "signals"]

[[stages]]
key = "signals"
goal = "Hear what the rep has noticed in their recent deals."
summary = "Signals noticed: {p}."
questions = ["What have you noticed in your recent deals?"]
probes = ["Which deal shows that best?"]
fallback = "What stood out in your deals lately?"
[stages.advance]
min_words = 8

[[stages]]
key = "hypotheses"
goal = "Let the rep state their hypotheses about why deals stall, in their own words."
summary = "Hypotheses to test: {p}."
summary_from = "first"
questions = ["What do you believe is behind that?", "Which of those beliefs could you test this month?"]
probes = ["What makes you think so?"]
fallback = "What do you think is going on?"
[stages.advance]
min_answers = 2
min_words = 20

[[stages]]
key = "next"
goal = "Let the rep choose how to test the hypotheses."
plan = true
questions = ["How will you test that, and when?"]
probes = ["What would that look like?"]
fallback = "What is your first step?"
'''
NEW_MODE_ANSWERS = [
    "Three deals stalled after the pricing call, each time once the CFO joined.",
    "I think buyers stall because our pricing page hides the total cost until late.",
    "I could test the total cost idea on my next three proposals this month.",
    "Call three stalled accounts by Friday. Rewrite the proposal template with a one-page cost "
    "summary.",
]


def _new_mode_session(tmp_path, context, engine):
    _write(tmp_path, "hypothesis_review", NEW_MODE)
    coach = Coach(engine, modes=load_modes(tmp_path))
    state = SessionState(mode="hypothesis_review", stage="", context=context)
    list(coach.open(state))
    for answer in NEW_MODE_ANSWERS:
        list(coach.respond(state, answer))
    return coach, state


def test_a_new_mode_is_just_a_file(tmp_path, context):
    coach, state = _new_mode_session(tmp_path, context, GuidedEngine())
    assert [t.stage for t in state.turns if t.role == "rep"] == [
        "signals", "hypotheses", "hypotheses", "next"]
    assert state.flow.complete
    draft = coach.draft_summary(state)
    # its title, not the monthly figures the context also holds
    assert draft.summary.startswith("Hypothesis review with Dana. Hypotheses to test: buyers "
                                    "stall because their pricing page hides the total cost")
    assert "EUR 42,000" not in draft.summary and "closed value" not in draft.summary
    assert "next three proposals" not in draft.summary  # summary_from = "first"
    assert draft.summary.index("Hypotheses to test:") < draft.summary.index("Signals noticed: ")
    # plan = true: the undated action counts too
    assert [(c["text"], c["due_date"]) for c in draft.commitments] == [
        ("Call three stalled accounts", date(2025, 3, 7)),
        ("Rewrite the proposal template with a one-page cost summary", None)]


def test_a_new_mode_runs_through_any_engine(tmp_path, context):
    replies = ["So three deals stalled. What do you believe is behind that?",
               "You see the total cost as hidden. Which belief could you test this month?",
               "The proposals are a test bed. How will you test that?",
               "Calls by Friday, then the template. What will you take away from today?",
               "You noticed a pattern. What have you noticed in your recent deals?"]
    summary = {"summary": "Dana will test whether hidden total cost stalls deals.",
               "commitments": [{"text": "Call three stalled accounts", "due_date": "2025-03-07",
                                "measure": "", "kind": "action"}], "help_asked": ""}
    engine = FakeEngine(replies[-1], *replies[:-1], summary)
    coach, state = _new_mode_session(tmp_path, context, engine)
    assert [t.stage.key for t in engine.history] == [
        "signals", "hypotheses", "hypotheses", "next", "next"]
    assert "Aim of this step: Let the rep state their hypotheses" in \
        engine.history[1].messages[0]["content"]
    draft = coach.draft_summary(state)
    told = engine.history[-1]
    assert told.intent == "summary" and told.facts == "Hypothesis review with Dana."
    assert NEW_MODE_ANSWERS[1] in [m["content"] for m in told.messages]
    # the model writes the points; the opening and the commitments come from the record, the
    # commitments as the flow heard them turn by turn (both, though the model listed one)
    assert draft.summary == ("Hypothesis review with Dana. " + summary["summary"] +
                             " 2 commitments, dated: call three stalled accounts by 7 March; "
                             "plus rewrite the proposal template.")
    assert [(c["text"], c["due_date"], c["opportunity_id"]) for c in draft.commitments] == [
        ("Call three stalled accounts", date(2025, 3, 7), None),
        ("Rewrite the proposal template with a one-page cost summary", None, None)]


def _adding(mode: str = "", stage: str = "") -> tuple[str, str]:
    """A change to GOOD: these lines added to the mode's fields and to its one stage's."""
    head = '[[stages]]\nkey = "one"\n'
    return head, (f"{mode}\n" if mode else "") + head + (f"{stage}\n" if stage else "")


@pytest.mark.parametrize("change, message", [
    (("key = \"demo\"", "key = \"other\""), "demo.toml: key"),
    (("goal = \"g\"\n", ""), "stages[0] (one).goal"),
    (("questions = [\"What happened?\"]", "questions = []"), "stages[0] (one).questions"),
    (("fallback = \"What else?\"", "fallback = \"Say more.\""), "fallback"),
    (("fallback = \"What else?\"", "fallback = \"{{ oops\"\nmin_answer = 1"), "unknown field"),
    (("questions = [\"What happened?\"]", "questions = [\"{% if %}?\"]"), "template error"),
    (("description = \"d\"", "description = \"d\"\norder = \"first\""), "order"),
    (("fallback = \"What else?\"\n", "fallback = \"What else?\"\n[stages.advance]\n"
      "max_turns = \"x\"\n"), "stages[0] (one).advance.max_turns"),
    (_adding(stage='plan = "yes"'), "stages[0] (one).plan: must be true or false"),
    (_adding(stage='collect = "commitments"\nplan = false'),
     "stages[0] (one).plan: a stage that collects commitments is always a plan"),
    (_adding(stage='after_commitments = ["More?"]'),
     "stages[0] (one).after_commitments: only a stage with collect"),
    (_adding(stage='collect = "commitments"\nafter_commitments = []'),
     "stages[0] (one).after_commitments: must be a non-empty list"),
    (_adding(stage='summary = "What happened."'), "stages[0] (one).summary: must hold {p} once"),
    (_adding(stage="summary = 3"), "stages[0] (one).summary: must be a string"),
    (_adding(stage='summary = "Said: {p}."\ncollect = "help"'),
     "stages[0] (one).summary: a stage with collect or each"),
    (_adding(stage='summary = "Said: {p}."\nsummary_from = "last"'),
     "stages[0] (one).summary_from: must be one of"),
    (_adding(stage='summary_from = "first"'), "stages[0] (one).summary_from: needs a summary lead"),
    (_adding('summary_stages = ["one"]'), "summary_stages[0]: names no stage with a summary lead"),
    (_adding("summary_stages = []", 'summary = "Said: {p}."'), "summary_stages: leaves out ['one']"),
    (_adding('summary_opens_with = "figures"'), "summary_opens_with: must be a list"),
    (_adding('summary_opens_with = ["figures", "figures"]'),
     "summary_opens_with: must be a list naming each source once"),
    (_adding('summary_opens_with = ["weather"]'), "summary_opens_with[0]: must be one of"),
    (_adding('summary_opens_with = ["ratings"]'),
     "summary_opens_with[0]: ratings come from a stage with each"),
    (_adding(stage='remember = "Objectives!"'), "stages[0] (one).remember: must be a lower-case name"),
    (_adding(stage='remember = "date"'), "stages[0] (one).remember: must be a lower-case name"),
    (_adding(stage='remember = "hopes"'), "stages (one).remember: answers are remembered per deal"),
])
def test_bad_mode_files_name_file_and_field(tmp_path, change, message):
    path = _write(tmp_path, "demo", GOOD.replace(*change))
    with pytest.raises(ModeFileError, match=re.escape(message)) as caught:
        parse_mode(path)
    assert str(caught.value).startswith("demo.toml: ")


def test_only_one_mode_may_remember_answers_for_later_sessions(tmp_path):
    for name in ("demo", "other"):
        _write(tmp_path, name, GOOD.replace('key = "demo"', f'key = "{name}"')
               .replace('description = "d"', 'description = "d"\nneeds = "opportunity"')
               .replace('goal = "g"', 'goal = "g"\nremember = "hopes"'))
    with pytest.raises(ModeFileError, match="modes demo, other all remember answers"):
        load_modes(tmp_path)


def test_guided_engine_is_the_default_kind():
    assert GuidedEngine().name == "guided"


def test_pickers_list_modes_in_the_order_the_files_declare(modes):
    assert list(modes)[:2] == ["weekly_review", "opportunity_strategy"]
    assert list(modes)[-1] == "skills_audit"


@pytest.mark.parametrize("mode_key, stage, question", [
    ("territory_planning", "commit", "What number will tell you it is working?"),
    ("weekly_review", "commit", "How will you know it has worked?"),
])
def test_once_dated_commitments_are_given_the_coach_asks_for_more_not_for_dates(
        modes, context, mode_key, stage, question):
    coach = Coach(GuidedEngine(), modes=modes)
    state = SessionState(mode=mode_key, stage=stage, context=context)
    reply = list(coach.respond(state, "I will call the five logistics accounts by Friday."))[-1]
    assert reply.text == f"You'll call the five logistics accounts by Friday. {question}"


def test_a_commitment_without_a_date_is_asked_by_when_next_one_ask_at_a_time(modes, context):
    coach = Coach(GuidedEngine(), modes=modes)
    state = SessionState(mode="weekly_review", stage="commit", context=context)
    state.turns.append(TurnRecord("coach", "What exactly will you do first?", "commit"))
    reply = list(coach.respond(state, "I will call the five logistics accounts."))[-1]
    assert reply.text.endswith("By when will that be done?")
