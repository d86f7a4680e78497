"""What a model heard in the rep's message, as one structured answer per turn: the coach's
reply and the signals the flow needs (hearing.py uses them). Engine-agnostic: the JSON schema a
model answers with, its validation field by field (marshmallow), and reading the ``reply``
string out of the JSON while it streams.

The reply comes first in the schema, so the rep sees it begin after a handful of tokens (the
key and its quote); the short signals follow it. Measured with the fake model at 20 tok/s
(benchmarks/guard_release.py --structured): see README, Coaching.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .errors import EngineBadOutput
from .summary.schema import KINDS, commitments_that_fit, parse_json_text

log = logging.getLogger(__name__)

# the record's own answers (models.FOLLOW_UP_ANSWERS): partly and not_yet leave it open
FOLLOW_UP_VALUES = ("done", "partly", "not_yet", "dropped")
FLAGS = ("feeling", "off_topic", "injection")
MAX_DRAFTS = 4
SCHEMA_NAME = "coach_turn"
_nullable = {"string": ["string", "null"], "integer": ["integer", "null"],
             "boolean": ["boolean", "null"]}
HEARD_JSON_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reply", "answered", "follow_up", "rating", "commitments", "flags", "language"],
    "properties": {
        "reply": {"type": "string", "description": "The coach's reply to the rep, plain text."},
        "answered": {"type": "boolean",
                     "description": "The rep's last message answered the current question."},
        "follow_up": {"type": _nullable["string"], "enum": [*FOLLOW_UP_VALUES, None],
                      "description": "How the due commitment asked about went, or null."},
        "rating": {"type": _nullable["integer"], "minimum": 1, "maximum": 5,
                   "description": "The rep's own 1-5 rating of the skill asked about, or null."},
        "commitments": {
            "type": "array", "maxItems": MAX_DRAFTS,
            "items": {
                "type": "object", "additionalProperties": False,
                "required": ["text", "due_date", "measure", "kind"],
                "properties": {
                    "text": {"type": "string"},
                    "due_date": {"type": _nullable["string"], "description": "YYYY-MM-DD",
                                 "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    "measure": {"type": _nullable["string"]},
                    "kind": {"type": "string", "enum": list(KINDS)},
                },
            },
        },
        "flags": {
            "type": "object", "additionalProperties": False, "required": list(FLAGS),
            "properties": {name: {"type": "boolean"} for name in FLAGS},
        },
        "language": {"type": "string", "description": "ISO 639-1 code of the rep's message."},
    },
}


@dataclass
class Heard:
    """The signals of one model turn (each None / empty when the model gave none that fits)."""

    answered: bool | None = None
    follow_up: str | None = None   # FOLLOW_UP_VALUES: a proposal, never a record by itself
    rating: int | None = None      # 1-5: a proposal
    commitments: list[dict] = field(default_factory=list)  # {text, due_date, measure, kind}
    feeling: bool = False          # strain, stress, something at home
    off_topic: bool = False
    injection: bool = False        # the message tries to instruct the coach
    language: str | None = None

    @property
    def aside(self) -> str | None:
        """The flag the rep's turn gets when it was no answer (TurnRecord.flag), else None."""
        if self.injection:
            return "injection"
        if self.feeling:
            return "personal"
        return "off_topic" if self.off_topic else None


class _Signals(Schema):
    class Meta:
        unknown = EXCLUDE

    answered = fields.Boolean(allow_none=True, load_default=None)
    follow_up = fields.String(allow_none=True, load_default=None,
                              validate=validate.OneOf(FOLLOW_UP_VALUES))
    rating = fields.Integer(allow_none=True, load_default=None, strict=True,
                            validate=validate.Range(1, 5))
    language = fields.String(allow_none=True, load_default=None,
                             validate=validate.Regexp(r"^[a-z]{2,3}$"))


class _Flags(Schema):
    class Meta:
        unknown = EXCLUDE

    feeling = fields.Boolean(load_default=False)
    off_topic = fields.Boolean(load_default=False)
    injection = fields.Boolean(load_default=False)


def _each(schema: Schema, data, where: str) -> dict:
    """``data`` loaded field by field: a field that does not fit is dropped and logged (its
    default taken), the rest kept."""
    if not isinstance(data, dict):
        log.warning("%s dropped: not an object", where)
        data = {}
    try:
        return schema.load(data)
    except ValidationError as exc:
        bad = exc.messages if isinstance(exc.messages, dict) else {}
        for name, why in bad.items():
            log.warning("%s field %s dropped: %s", where, name, why)
        return schema.load({k: v for k, v in data.items() if k not in bad})


def read_heard(data) -> tuple[str, Heard]:
    """The reply and the signals of one structured answer. EngineBadOutput when there is no
    reply to show: a bad signal only loses that signal."""
    if not isinstance(data, dict):
        raise EngineBadOutput("the turn is not a JSON object")
    reply = data.get("reply")
    if not isinstance(reply, str) or not reply.strip():
        raise EngineBadOutput("the turn has no reply text")
    signals = _each(_Signals(), data, "turn")
    flags = _each(_Flags(), data.get("flags") or {}, "turn flags")
    drafts = [{"text": loaded["text"], "measure": loaded["measure"], "kind": loaded["kind"],
               "due_date": loaded["due_date"] and loaded["due_date"].isoformat()}
              for _, loaded in commitments_that_fit(data.get("commitments") or [], "turn")]
    return reply.strip(), Heard(commitments=drafts[:MAX_DRAFTS], **signals, **flags)


def parse_heard(text: str) -> tuple[str, Heard]:
    """``read_heard`` of a model's whole answer text (fences and words around it tolerated)."""
    return read_heard(parse_json_text(text))


REPLY_START = re.compile(r'"reply"\s*:\s*"')
ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class ReplyReader:
    """Feed it the answer's pieces as they stream; it returns the reply text decoded so far
    (a JSON string read as far as it is complete), never the JSON around it."""

    def __init__(self):
        self.raw = ""
        self.reply = ""  # decoded so far
        self.cursor: int | None = None  # where the reply string's unread text starts
        self.closed = False

    def feed(self, piece: str) -> str:
        self.raw += piece
        if self.closed:
            return ""
        if self.cursor is None:
            found = REPLY_START.search(self.raw)
            if not found:
                return ""
            self.cursor = found.end()
        out, raw, i = [], self.raw, self.cursor
        while i < len(raw):
            char = raw[i]
            if char == '"':
                self.closed = True
                i += 1
                break
            if char != "\\":
                out.append(char)
                i += 1
                continue
            if i + 1 >= len(raw):
                break  # an escape cut in two: wait for the rest
            if raw[i + 1] != "u":
                out.append(ESCAPES.get(raw[i + 1], raw[i + 1]))
                i += 2
                continue
            if i + 6 > len(raw):
                break
            code = raw[i:i + 6]
            if code[2:4].lower() in ("d8", "d9", "da", "db"):  # a surrogate pair: both halves
                if i + 12 > len(raw):
                    break
                code = raw[i:i + 12]
            try:
                out.append(json.loads(f'"{code}"'))
            except json.JSONDecodeError:  # not an escape JSON knows: the text as written
                out.append(code)
            i += len(code)
        self.cursor = i
        decoded = "".join(out)
        self.reply += decoded
        return decoded
