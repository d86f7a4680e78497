"""Drafting the session summary: the deterministic extraction the offline coach uses
(commitments from the first planning stage on, as the flow hears them; the help asked from
'help' stages) and the engine call that drafts it for any engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import language
from ..engines.base import CoachTurn
from ..language.commitments import commitments_in, merge
from ..language.reading import is_vague
from ..prompt.budget import fit
from ..prompt.context_block import data_message
from ..prompt.render import render_file
from . import sentences
from .schema import SUMMARY_JSON_SCHEMA, validate_summary


@dataclass
class SessionDraft:
    summary: str
    commitments: list[dict]  # {"text", "due_date": date|None, "measure", "kind", "opportunity_id"}
    help_asked: str


def extract_summary(mode, transcript: list[dict], today: date, rep_name: str = "",
                    context: dict | None = None) -> dict:
    """Deterministic summary in the JSON shape of SUMMARY_JSON_SCHEMA (dates ISO strings)."""
    lang = language.of(context)
    answers: dict[str, list[str]] = {}
    for turn in transcript:
        if turn["role"] == "rep" and turn.get("stage"):
            answers.setdefault(turn["stage"], []).append(turn["text"])
    commitments: list[dict] = []
    help_texts: list[str] = []
    for stage in mode.stages:
        for text in answers.get(stage.key, []):
            commitments.extend(commitments_in(text, today, strict=not mode.planning(stage),
                                              lang=lang))
            if stage.collect == "help" and not is_vague(text, 3, lang):
                help_texts.append(text)
    unique = merge(commitments, lang)
    help_asked = sentences.help_phrase(help_texts, lang)
    lines = sentences.summary_lines(mode, transcript, answers, context or {}, rep_name, unique,
                                    help_asked, lang)
    return {"summary": " ".join(lines),
            "commitments": [{**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
                            for c in unique],
            "help_asked": help_asked}


def draft_summary(engine, mode, state, token_budget: int) -> SessionDraft:
    """The engine drafts the summary from the transcript and the facts the flow recorded."""
    ctx = state.context
    system = render_file("summary.j2", mode=mode, rep=ctx.get("rep") or {"name": "the rep"},
                         today=ctx.get("today") or date.today().isoformat())
    turns = [{"role": "assistant" if t.role == "coach" else "user", "content": t.text,
              "stage": t.stage} for t in state.turns]
    head = [{"role": "system", "content": system}, data_message(ctx)]
    messages, _, _ = fit(head, turns, token_budget)
    transcript = [t.__dict__ for t in state.turns]
    rep_name, lang = (ctx.get("rep") or {}).get("name", ""), language.of(ctx)
    facts = " ".join(x for x in (sentences.figures_sentence(mode, ctx, {}, rep_name, lang),
                                 sentences.follow_up_sentence(transcript, lang)) if x)
    turn = CoachTurn("summary", mode, mode.stages[-1], ctx, messages, max_tokens=800,
                     intent="summary", transcript=transcript, facts=facts)
    data = validate_summary(engine.complete_json(turn, SUMMARY_JSON_SCHEMA))
    opportunity_id = (ctx.get("opportunity") or {}).get("id") \
        if mode.needs == "opportunity" else None
    commitments = [{**c, "opportunity_id": opportunity_id} for c in data["commitments"]]
    return SessionDraft(data["summary"].strip(), commitments, data["help_asked"].strip())
