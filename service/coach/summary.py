"""The session summary: its JSON schema (for the LLM), its marshmallow validation, and the
deterministic extraction the offline coach uses (commitments from 'commitments' stages, the help
asked from 'help' stages)."""

from __future__ import annotations

import json
import re
from datetime import date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from . import recap
from .commitments import commitments_in, merge
from .errors import EngineBadOutput
from .reading import is_vague

KINDS = ("keep", "drop", "create", "action")
SUMMARY_JSON_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "commitments", "help_asked"],
    "properties": {
        "summary": {"type": "string", "description": "Three to six plain sentences."},
        "commitments": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "due_date", "measure", "kind"],
                "properties": {
                    "text": {"type": "string"},
                    "due_date": {"type": ["string", "null"], "description": "YYYY-MM-DD"},
                    "measure": {"type": "string"},
                    "kind": {"type": "string", "enum": list(KINDS)},
                },
            },
        },
        "help_asked": {"type": "string"},
    },
}


class CommitmentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    due_date = fields.Date(load_default=None, allow_none=True)
    measure = fields.String(load_default="", allow_none=False)
    kind = fields.String(load_default="action", validate=validate.OneOf(KINDS))


class SummarySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    summary = fields.String(required=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), load_default=list)
    help_asked = fields.String(load_default="")


def validate_summary(data) -> dict:
    """Loaded summary (due dates as ``date``), or EngineBadOutput naming what is wrong."""
    try:
        return SummarySchema().load(data)
    except ValidationError as exc:
        raise EngineBadOutput(f"summary does not match the schema: {exc.messages}") from exc


def parse_json_text(text: str) -> dict:
    """JSON from a model's text answer, tolerating code fences and words around the object."""
    cleaned = re.sub(r"^```(?:json)?|```$", "", (text or "").strip(), flags=re.M).strip()
    start, end = cleaned.find("{"), cleaned.rfind("}")
    try:
        data = json.loads(cleaned[start:end + 1] if start >= 0 <= end else cleaned)
    except json.JSONDecodeError as exc:
        raise EngineBadOutput(f"model returned malformed JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise EngineBadOutput("model returned JSON that is not an object")
    return data


PLAN_STAGES = ("plan", "commit", "next_steps", "actions", "action_plan")


def plans(stage) -> bool:
    """A planning stage: every action the rep names there is a commitment."""
    return stage.collect == "commitments" or stage.key in PLAN_STAGES


def extract_summary(mode, transcript: list[dict], today: date, rep_name: str = "the rep",
                    context: dict | None = None) -> dict:
    """Deterministic summary in the JSON shape of SUMMARY_JSON_SCHEMA (dates ISO strings)."""
    answers: dict[str, list[str]] = {}
    for turn in transcript:
        if turn["role"] == "rep" and turn.get("stage"):
            answers.setdefault(turn["stage"], []).append(turn["text"])
    commitments: list[dict] = []
    help_texts: list[str] = []
    for stage in mode.stages:
        for text in answers.get(stage.key, []):
            commitments.extend(commitments_in(text, today, strict=not plans(stage)))
            if stage.collect == "help" and not is_vague(text, 3):
                help_texts.append(text)
    unique = merge(commitments)
    help_asked = recap.help_phrase(help_texts)
    lines = recap.summary_lines(mode, transcript, answers, context or {}, rep_name, unique,
                                help_asked)
    return {"summary": " ".join(lines),
            "commitments": [{**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
                            for c in unique],
            "help_asked": help_asked}
