"""Marshmallow schemas of the sessions API (requests and responses)."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates

from models import SESSION_STATUSES

from ..pagination import PageArgs
from .commitments import CommitmentRecordSchema


class SessionStartSchema(Schema):
    mode = fields.String(required=True, validate=validate.Length(min=1, max=50),
                         metadata={"description": "A key from GET /modes."})
    opportunity_id = fields.Integer(allow_none=True, load_default=None,
                                    metadata={"description": "One of your opportunities."})
    account_id = fields.Integer(allow_none=True, load_default=None,
                                metadata={"description": "One of your accounts."})


class MessageInSchema(Schema):
    # Documented here, checked in _length (the upper bound is configuration).
    text = fields.String(required=True, metadata={
        "minLength": 1, "pattern": r"\S",
        "description": "1 to MAX_MESSAGE_CHARS (default 4000) characters, not only whitespace."})
    client_message_id = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                      metadata={"description": "Resending the same id never "
                                                "creates a second message; it returns the reply."})

    @validates("text")
    def _length(self, value, **_kwargs):
        limit = current_app.config.get("MAX_MESSAGE_CHARS", 4000)
        if not value.strip():
            raise ValidationError("Say something: the message is empty.")
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
    transcript_visibility = fields.String(metadata={
        "description": "full: your manager reads the transcript once you confirm; summary: only "
                       "the summary, commitments and figures."})


class ChatSessionDetailSchema(ChatSessionSchema):
    messages = fields.List(fields.Nested(ChatMessageSchema))
    commitments = fields.List(fields.Nested(CommitmentRecordSchema))
    metrics = fields.Dict()


class SessionListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(SESSION_STATUSES))
    mode = fields.String()
    rep_id = fields.Integer()


class SummaryEditSchema(Schema):
    summary = fields.String(validate=validate.Length(max=20000))
    help_asked = fields.String(validate=validate.Length(max=5000))
    confirmed = fields.Boolean(validate=validate.Equal(True), metadata={
        "description": "true shares the session with your manager and confirms its commitments."})
