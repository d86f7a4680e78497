"""The session summary's shape: its JSON schema (for the LLM), its marshmallow validation, and
reading JSON out of a model's text answer."""

from __future__ import annotations

import json
import logging
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..errors import EngineBadOutput

log = logging.getLogger(__name__)

KINDS = ("keep", "drop", "create", "action")
NO_DATE = ("", "null", "none")
MAX_COMMITMENTS = 8
SUMMARY_JSON_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "commitments", "help_asked"],
    "properties": {
        "summary": {"type": "string", "description": "Three to six plain sentences."},
        "commitments": {
            "type": "array",
            # a bound the grammar enforces: a small model at temperature 0 repeats one item
            # until the token cap and leaves the JSON unclosed (SmolLM2-135M on llama.cpp)
            "maxItems": MAX_COMMITMENTS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "due_date", "measure", "kind"],
                "properties": {
                    "text": {"type": "string"},
                    # the pattern keeps a grammar-bound model from writing prose in the date;
                    # [0-9], not \d: llama.cpp's schema-to-grammar knows no \d and then
                    # accepts any string (SmolLM2-135M wrote a 30-token timestamp, six times)
                    "due_date": {"type": ["string", "null"], "description": "YYYY-MM-DD",
                                 "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
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
    help_asked = fields.String(load_default="")


def _plain(item) -> dict:
    """What the model meant by "nothing" spelt as it spelt it: a date "null" (JSON null written
    as a string) is no date, a null measure none."""
    if not isinstance(item, dict):
        raise ValidationError("not an object")
    date = item.get("due_date")
    if isinstance(date, str) and date.strip().lower() in NO_DATE:
        item = {**item, "due_date": None}
    return {**item, "measure": item.get("measure") or ""}


def commitments_that_fit(items, what: str = "summary") -> list[tuple[dict, dict]]:
    """(as given, loaded) for each drafted commitment that fits; one that does not is dropped
    and logged, since one bad field must not cost the rep the whole summary (or turn)."""
    if not isinstance(items, list):
        log.warning("%s commitments dropped: not a list but %s", what, type(items).__name__)
        return []
    kept = []
    for index, item in enumerate(items):
        try:
            item = _plain(item)
            kept.append((item, CommitmentSchema().load(item)))
        except ValidationError as exc:
            log.warning("%s commitment %d dropped: %s", what, index, exc.messages)
    return kept


def _commitments(data: dict) -> list[tuple[dict, dict]]:
    return commitments_that_fit(data.get("commitments") or [])


def _head(data) -> dict:
    if not isinstance(data, dict):
        raise EngineBadOutput("summary is not a JSON object")
    try:
        return SummarySchema().load({k: data[k] for k in ("summary", "help_asked") if k in data})
    except ValidationError as exc:
        raise EngineBadOutput(f"summary does not match the schema: {exc.messages}") from exc


def validate_summary(data) -> dict:
    """Loaded summary (due dates as ``date``) with the commitments that fit; EngineBadOutput
    when the summary itself is missing or not text."""
    return {**_head(data), "commitments": [loaded for _, loaded in _commitments(data)]}


def usable_summary(data) -> dict:
    """``data`` as given (JSON shape) without the commitments that do not fit: what an engine
    returns. EngineBadOutput as validate_summary."""
    _head(data)
    return {**data, "commitments": [given for given, _ in _commitments(data)]}


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
