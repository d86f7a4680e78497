"""Marshmallow schemas of the sessions API (requests and responses)."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from models import FOLLOW_UP_ANSWERS, SESSION_STATUSES

from ..coach import language
from ..pagination import PageArgs
from .commitments import CommitmentRecordSchema


def language_field(**kwargs):
    return fields.String(validate=validate.OneOf(language.shipped()), metadata={
        "description": "The language the coach speaks in this session (en, es, de, fr). The "
                       "offline coach coaches in English and Spanish; in another language it "
                       "says so, in English, and goes on in English. A model engine coaches in "
                       "it."}, **kwargs)


class SessionStartSchema(Schema):
    mode = fields.String(load_default=None, validate=validate.Length(min=1, max=50),
                         metadata={"description": "A key from GET /modes; required unless "
                                   "assignment_id is given."})
    assignment_id = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "One of your open assignments (GET /assignments): the session takes its "
                       "mode and deal or account, is linked to it, and confirming the session "
                       "marks it done."})
    opportunity_id = fields.Integer(allow_none=True, load_default=None,
                                    metadata={"description": "One of your opportunities."})
    account_id = fields.Integer(allow_none=True, load_default=None,
                                metadata={"description": "One of your accounts."})
    language = language_field(load_default="")
    new = fields.Boolean(load_default=False, metadata={
        "description": "Start a new session even though you have one in progress (that one "
                       "stays active). Without it, a start while a session is active answers "
                       "409 `session_active` with `fields.session_id` naming the one to resume."})


    @validates_schema
    def _mode_or_assignment(self, data, **_kwargs):
        if not data.get("mode") and data.get("assignment_id") is None:
            raise ValidationError("Missing data for required field.", "mode")


class SessionEditSchema(Schema):
    language = language_field(required=True)


class MessageInSchema(Schema):
    # Documented here, checked in _length (the upper bound is configuration).
    text = fields.String(load_default="", metadata={
        "description": "Up to MAX_MESSAGE_CHARS (default 4000) characters. Required unless "
                       "`choice` is given (then the option's label is stored as the text)."})
    choice = fields.String(load_default=None, validate=validate.Length(min=1, max=20), metadata={
        "description": "A quick reply: the `value` of one of the `choices.options` the coach's "
                       "last message offered (a follow-up's done / partly / not_yet / dropped, a "
                       "rating 1-5, an offer's yes / no). A choice is recorded as the rep's "
                       "answer; words alone are only read into a proposal the rep confirms when "
                       "confirming the session. 422 when the last message offered no such "
                       "option."})
    client_message_id = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                      metadata={"description": "Resending the same id never "
                                                "creates a second message; it returns the reply."})

    @validates("text")
    def _length(self, value, **_kwargs):
        limit = current_app.config.get("MAX_MESSAGE_CHARS", 4000)
        if len(value) > limit:
            raise ValidationError(f"At most {limit} characters.")


class ChatMessageSchema(Schema):
    id = fields.Integer()
    role = fields.String(metadata={"description": "rep or coach"})
    text = fields.String()
    stage = fields.String()
    created_at = fields.DateTime()
    client_message_id = fields.String(allow_none=True)
    reply_to_id = fields.Integer(allow_none=True)
    guard_outcome = fields.String(metadata={
        "description": "coach messages: passed, regenerated or fallback."})
    guard_reasons = fields.List(fields.String())
    intent = fields.String(metadata={
        "description": "Coach messages: what the turn did (ask, probe, follow_up, care, steer, "
                       "close...); \"wrap\" is the coach's last word, with no question: the "
                       "session is ready to end."})
    choices = fields.Dict(allow_none=True, metadata={
        "description": "Coach messages: the quick replies offered, {kind: follow_up | rating | "
                       "offer, about: the commitment id or skill, options: [{value, label}]}."})
    choice = fields.String(allow_none=True, metadata={
        "description": "Rep messages: the quick reply picked, if any."})


class SessionStatusSchema(Schema):
    stage = fields.String()
    status = fields.String()


class TurnSchema(Schema):
    rep_message = fields.Nested(ChatMessageSchema, required=True)
    reply = fields.Nested(ChatMessageSchema, required=True)
    session = fields.Nested(SessionStatusSchema, required=True)


class ChatSessionSchema(Schema):
    id = fields.Integer()
    rep_id = fields.Integer()
    mode = fields.String()
    status = fields.String(metadata={"description": "active, ended (draft to confirm) or confirmed"})
    stage = fields.String()
    opportunity_id = fields.Integer(allow_none=True)
    account_id = fields.Integer(allow_none=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    summary = fields.String()
    help_asked = fields.String()
    language = fields.String(metadata={
        "description": "The session's language: the rep's locale, else read from their first "
                       "messages (English until one tells), or as changed with PATCH."})
    transcript_visibility = fields.String(metadata={
        "description": "full: your manager reads the transcript once you confirm; summary: only "
                       "the summary, commitments and figures."})


class AnswerSchema(Schema):
    kind = fields.String(metadata={"description": "follow_up or rating"})
    commitment_id = fields.Integer(metadata={"description": "follow_up: the commitment"})
    text = fields.String(metadata={"description": "follow_up: the commitment's text"})
    skill = fields.String(metadata={"description": "rating: the skill"})
    value = fields.Raw(metadata={"description": "follow_up: done, partly, not_yet, dropped or "
                                                "'' (not understood: pick one); rating: 1-5"})
    note = fields.String()
    source = fields.String(metadata={
        "description": "choice: the rep picked it (recorded); proposed: read from the rep's "
                       "words, recorded only when the session is confirmed."})


class ChatSessionDetailSchema(ChatSessionSchema):
    answers = fields.List(fields.Nested(AnswerSchema), metadata={
        "description": "The follow-ups and skill ratings heard in this session."})
    messages = fields.List(fields.Nested(ChatMessageSchema))
    commitments = fields.List(fields.Nested(CommitmentRecordSchema))
    metrics = fields.Dict()


class SessionListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(SESSION_STATUSES))
    mode = fields.String()
    rep_id = fields.Integer()


class AnswerEditSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("follow_up", "rating")))
    commitment_id = fields.Integer(metadata={"description": "follow_up: which commitment"})
    skill = fields.String(validate=validate.Length(min=1, max=100),
                          metadata={"description": "rating: which skill"})
    value = fields.String(required=True, metadata={
        "description": f"follow_up: one of {', '.join(FOLLOW_UP_ANSWERS)}; rating: 1 to 5."})
    note = fields.String(validate=validate.Length(max=2000))

    @validates_schema
    def _value(self, data, **_kwargs):
        if data["kind"] == "follow_up":
            if "commitment_id" not in data:
                raise ValidationError("Name the commitment.", "commitment_id")
            if data["value"] not in FOLLOW_UP_ANSWERS:
                raise ValidationError(f"One of {', '.join(FOLLOW_UP_ANSWERS)}.", "value")
        else:
            if "skill" not in data:
                raise ValidationError("Name the skill.", "skill")
            if data["value"] not in ("1", "2", "3", "4", "5"):
                raise ValidationError("A rating from 1 to 5.", "value")
            data["value"] = int(data["value"])


class SummaryEditSchema(Schema):
    summary = fields.String(validate=validate.Length(max=20000))
    help_asked = fields.String(validate=validate.Length(max=5000))
    answers = fields.List(fields.Nested(AnswerEditSchema), validate=validate.Length(max=50),
                          metadata={"description": "Set or correct follow-up answers and "
                                    "ratings heard in the session; each becomes your choice."})
    confirmed = fields.Boolean(validate=validate.Equal(True), metadata={
        "description": "true shares the session with your manager and confirms its commitments."})
