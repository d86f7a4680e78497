"""Drafting the session summary from the record: the parts a manager relies on (how due
commitments went, ratings, commitments, help) come from the rep's answers and the commitments
the flow heard turn by turn (record.py); the engine adds only the points (causes, focus...):
the offline coach from the answers to the stages that ask for them, a model in its own words.
A turn flagged as an instruction to the coach enters none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .. import language
from ..engines.base import CoachTurn
from ..language.commitments import commitments_in, merge
from ..language.reading import is_vague
from ..prompt.budget import fit
from ..prompt.context_block import data_message
from ..prompt.render import render_file
from . import record as drawn
from . import sentences
from .schema import SUMMARY_JSON_SCHEMA, validate_summary


@dataclass
class SessionDraft:
    summary: str
    commitments: list[dict]  # {"text", "due_date": date|None, "measure", "kind", "opportunity_id"}
    help_asked: str
    parts: dict = field(default_factory=dict)  # record.PARTS -> its sentence(s)


def _answers_by_stage(transcript: list[dict]) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for turn in transcript:
        if turn["role"] == "rep" and turn.get("stage") and not turn.get("flag"):
            answers.setdefault(turn["stage"], []).append(turn["text"])
    return answers


def heard_commitments(heard: list[dict]) -> list[dict]:
    """The commitments the flow kept turn by turn, dates as ``date``."""
    return [{"text": c["text"], "due_date": c.get("due_date") and date.fromisoformat(c["due_date"]),
             "measure": c.get("measure") or "", "kind": c.get("kind") or "action"} for c in heard]


def extract_summary(mode, transcript: list[dict], today: date, rep_name: str = "",
                    context: dict | None = None, record: dict | None = None) -> dict:
    """The offline coach's draft in the JSON shape of SUMMARY_JSON_SCHEMA (dates ISO strings):
    its ``summary`` is the points only; ``record`` (the flow's heard commitments) gives the
    commitments, else (an older session) they are read from the transcript."""
    lang = language.of(context)
    answers = _answers_by_stage(transcript)
    commitments: list[dict] = []
    help_texts: list[str] = []
    for stage in mode.stages:
        for text in answers.get(stage.key, []):
            if record is None:
                commitments.extend(commitments_in(text, today, strict=not mode.planning(stage),
                                                  lang=lang))
            if stage.collect == "help" and not is_vague(text, 3, lang):
                help_texts.append(text)
    unique = heard_commitments(record.get("heard", [])) if record is not None \
        else merge(commitments, lang)
    points = " ".join(sentences.stage_sentences(mode, answers, 2, lang))
    return {"summary": drawn.named_as_written(points, context or {}),
            "commitments": [{**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
                            for c in unique],
            "help_asked": sentences.help_phrase(help_texts, lang)}


def _opening(mode, state) -> str:
    ctx = state.context
    given = _answers_by_stage([t.__dict__ for t in state.turns])
    return sentences.figures_sentence(mode, ctx, given, (ctx.get("rep") or {}).get("name", ""),
                                      language.of(ctx), drawn.ratings_of(state.flow.answers))


def redrawn_parts(mode, state, commitments: list[dict]) -> dict:
    """The record's parts drawn again after the rep edited commitments or answers: the
    opening (ratings), the follow-ups and the commitments; the points and the help stay."""
    lang = language.of(state.context)
    fresh = {"opening": _opening(mode, state),
             "follow_ups": drawn.follow_ups_sentence(state.flow.answers, lang),
             "commitments": sentences.commitments_sentence(commitments, lang)}
    return {**state.drawn, **{key: drawn.named_as_written(text, state.context)
                              for key, text in fresh.items()}}


def draft_summary(engine, mode, state, token_budget: int) -> SessionDraft:
    """The engine drafts the points; the record's parts are drawn from the flow's answers and
    the commitments it heard (the engine's own list only when the flow heard none)."""
    ctx = state.context
    kept = [t for t in state.turns if not t.flag]
    system = render_file("summary.j2", mode=mode, rep=ctx.get("rep") or {"name": "the rep"},
                         today=ctx.get("today") or date.today().isoformat(),
                         language=language.of(ctx).name)
    turns = [{"role": "assistant" if t.role == "coach" else "user", "content": t.text,
              "stage": t.stage} for t in kept]
    head = [{"role": "system", "content": system}, data_message(ctx)]
    messages, _, _ = fit(head, turns, token_budget)
    transcript = [t.__dict__ for t in kept]
    lang, answers = language.of(ctx), state.flow.answers
    opening = _opening(mode, state)
    facts = " ".join(x for x in (opening, drawn.follow_ups_sentence(answers, lang)) if x)
    turn = CoachTurn("summary", mode, mode.stages[-1], ctx, messages, max_tokens=800,
                     intent="summary", transcript=transcript, facts=facts,
                     record={"heard": state.flow.heard, "answers": answers})
    data = validate_summary(engine.complete_json(turn, SUMMARY_JSON_SCHEMA))
    opportunity_id = (ctx.get("opportunity") or {}).get("id") \
        if mode.needs == "opportunity" else None
    commitments = [{**c, "opportunity_id": opportunity_id}
                   for c in heard_commitments(state.flow.heard) or data["commitments"]]
    help_asked = data["help_asked"].strip()
    parts = {key: drawn.named_as_written(text, ctx) for key, text in drawn.parts_for(
        opening, answers, data["summary"].strip(), commitments, help_asked, lang).items()}
    return SessionDraft(drawn.compose(parts), commitments, help_asked, parts)
