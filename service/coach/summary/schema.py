"""The session summary's shape: its JSON schema (for the LLM), its marshmallow validation, and
reading JSON out of a model's text answer."""

from __future__ import annotations

import json
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..errors import EngineBadOutput

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
