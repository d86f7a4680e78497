"""Response schemas of the manager review API (request schemas live in service/review/schemas.py)."""

from marshmallow import Schema, fields

from .common import money


class RefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(allow_none=True)


class RepRefSchema(RefSchema):
    email = fields.String()
    team = fields.String(allow_none=True)


class SessionRowSchema(Schema):
    id = fields.Integer()
    rep = fields.Nested(RefSchema)
    mode = fields.String()
    opportunity = fields.Nested(RefSchema, allow_none=True)
    started_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    summary = fields.String()
    help_asked = fields.String()
    reviewed_at = fields.DateTime(allow_none=True)


class MessageSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    text = fields.String()
    stage = fields.String()
    created_at = fields.DateTime()


class CommitmentSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    due_date = fields.Date(allow_none=True)
    measure = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "open, overdue, done or dropped"})
    outcome_note = fields.String()
    session_id = fields.Integer()
    rep_id = fields.Integer()
    rep = fields.Nested(RefSchema)


class NoteOutSchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    text = fields.String()
    author = fields.Nested(RefSchema)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    mine = fields.Boolean()


class SessionDetailSchema(SessionRowSchema):
    ended_at = fields.DateTime(allow_none=True)
    stage = fields.String()
    transcript_visible = fields.Boolean(
        metadata={"description": "False when the organization shares only summaries."})
    messages = fields.List(fields.Nested(MessageSchema))
    commitments = fields.List(fields.Nested(CommitmentSchema))
    notes = fields.List(fields.Nested(NoteOutSchema))
    metrics = fields.Dict(metadata={"description": "Coaching-quality figures of the session."})
    reviewed_by = fields.Nested(RefSchema, allow_none=True)


class ReviewedOutSchema(Schema):
    id = fields.Integer()
    reviewed_at = fields.DateTime(allow_none=True)
    reviewed_by_id = fields.Integer(allow_none=True)


class MoneyFigureSchema(Schema):
    value = money(allow_none=True)
    previous = money(allow_none=True)
    change_pct = fields.Float(allow_none=True)


class CountFigureSchema(Schema):
    value = fields.Integer(allow_none=True)
    previous = fields.Integer(allow_none=True)
    change_pct = fields.Float(allow_none=True)


class KpiFiguresSchema(Schema):
    closed_value = fields.Nested(MoneyFigureSchema)
    pipeline_value = fields.Nested(MoneyFigureSchema)
    pipeline_count = fields.Nested(CountFigureSchema)
    proposals = fields.Nested(CountFigureSchema)
    deals_closed = fields.Nested(CountFigureSchema)


class KpiPointSchema(Schema):
    period_start = fields.Date()
    closed_value = money()
    pipeline_value = money()
    quota = money()


class KpiSchema(Schema):
    period_start = fields.Date()
    currency = fields.String()
    quota = money()
    attainment_pct = fields.Integer(allow_none=True)
    figures = fields.Nested(KpiFiguresSchema)
    history = fields.List(fields.Nested(KpiPointSchema))


class SkillRatingSchema(Schema):
    skill = fields.String()
    rating = fields.Integer()
    previous = fields.Integer(allow_none=True)


class SkillsSchema(Schema):
    latest_at = fields.DateTime()
    previous_at = fields.DateTime(allow_none=True)
    ratings = fields.List(fields.Nested(SkillRatingSchema))


class ActivitySchema(Schema):
    this_period = fields.Integer()
    last_at = fields.DateTime(allow_none=True)
    last_id = fields.Integer(allow_none=True)
    last_mode = fields.String(allow_none=True)


class CommitmentCountsSchema(Schema):
    open = fields.Integer()
    overdue = fields.Integer()
    done = fields.Integer()
    dropped = fields.Integer()
    completion_rate = fields.Float(allow_none=True, metadata={
        "description": "done / (done + dropped + overdue): of the commitments whose date came."})


class DashboardRepSchema(Schema):
    rep = fields.Nested(RepRefSchema)
    sessions = fields.Nested(ActivitySchema)
    commitments = fields.Nested(CommitmentCountsSchema)
    kpis = fields.Nested(KpiSchema, allow_none=True)
    quality = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    skills = fields.Nested(SkillsSchema, allow_none=True)


class DashboardSchema(Schema):
    period = fields.String()
    period_start = fields.Date()
    generated_at = fields.DateTime()
    reps = fields.List(fields.Nested(DashboardRepSchema))


def _iso(obj):
    return obj["since"].isoformat() if obj.get("since") is not None else None


class AskNowItemSchema(Schema):
    kind = fields.String(metadata={"description": "stalled_opportunity, overdue_commitment, "
                                                  "kpi_drop or help_asked"})
    rep = fields.Nested(RefSchema)
    title = fields.String()
    detail = fields.String()
    question = fields.String(metadata={"description": "One open question for the next one-to-one."})
    opportunity_id = fields.Integer(allow_none=True)
    session_id = fields.Integer(allow_none=True)
    since = fields.Function(_iso)


class AskNowSchema(Schema):
    generated_at = fields.DateTime()
    items = fields.List(fields.Nested(AskNowItemSchema))


class DeliverySchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    url = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String()
    next_attempt_at = fields.DateTime()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
