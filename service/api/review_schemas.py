"""Response schemas of the manager review API (request schemas live in service/review/schemas.py)."""

from marshmallow import Schema, fields

from ..webhook_target import shown_error
from .commitments import StatusChangeSchema
from .common import money


class ReviewRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(allow_none=True)


class ReviewRepRefSchema(ReviewRefSchema):
    email = fields.String()
    team = fields.String(allow_none=True)


class ReviewSessionRowSchema(Schema):
    id = fields.Integer()
    rep = fields.Nested(ReviewRefSchema)
    mode = fields.String()
    opportunity = fields.Nested(ReviewRefSchema, allow_none=True)
    started_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    summary = fields.String()
    help_asked = fields.String()
    reviewed_at = fields.DateTime(allow_none=True)


class ReviewMessageSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    text = fields.String()
    stage = fields.String()
    created_at = fields.DateTime()


class ReviewCommitmentSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    due_date = fields.Date(allow_none=True)
    measure = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "open, overdue, done or dropped"})
    outcome_note = fields.String()
    session_id = fields.Integer()
    rep_id = fields.Integer()
    rep = fields.Nested(ReviewRefSchema)
    last_change = fields.Nested(StatusChangeSchema, allow_none=True, metadata={
        "description": "Who last set the status (the rep, their manager), when and why."})


class ReviewNoteOutSchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    text = fields.String()
    author = fields.Nested(ReviewRefSchema)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    mine = fields.Boolean()


class ReviewSessionDetailSchema(ReviewSessionRowSchema):
    ended_at = fields.DateTime(allow_none=True)
    stage = fields.String()
    transcript_visible = fields.Boolean(
        metadata={"description": "False when the organization shares only summaries."})
    messages = fields.List(fields.Nested(ReviewMessageSchema))
    commitments = fields.List(fields.Nested(ReviewCommitmentSchema))
    notes = fields.List(fields.Nested(ReviewNoteOutSchema))
    metrics = fields.Dict(metadata={"description": "Coaching-quality figures of the session."})
    reviewed_by = fields.Nested(ReviewRefSchema, allow_none=True)


class ReviewMarkedOutSchema(Schema):
    id = fields.Integer()
    reviewed_at = fields.DateTime(allow_none=True)
    reviewed_by_id = fields.Integer(allow_none=True)


def _figure(name: str, kind) -> type[Schema]:
    """A figure this period, the period before and the change: money or a count."""
    return Schema.from_dict({"value": kind(allow_none=True), "previous": kind(allow_none=True),
                             "change_pct": fields.Float(allow_none=True)}, name=name)


ReviewMoneyFigureSchema = _figure("ReviewMoneyFigureSchema", money)
ReviewCountFigureSchema = _figure("ReviewCountFigureSchema", fields.Integer)


class ReviewKpiFiguresSchema(Schema):
    closed_value = fields.Nested(ReviewMoneyFigureSchema)
    pipeline_value = fields.Nested(ReviewMoneyFigureSchema)
    pipeline_count = fields.Nested(ReviewCountFigureSchema)
    proposals = fields.Nested(ReviewCountFigureSchema)
    deals_closed = fields.Nested(ReviewCountFigureSchema)


class ReviewKpiPointSchema(Schema):
    period_start = fields.Date()
    closed_value = money()
    pipeline_value = money()
    quota = money()


class ReviewKpiSchema(Schema):
    period_start = fields.Date()
    currency = fields.String()
    quota = money()
    attainment_pct = fields.Integer(allow_none=True)
    figures = fields.Nested(ReviewKpiFiguresSchema)
    history = fields.List(fields.Nested(ReviewKpiPointSchema))


class ReviewSkillRatingSchema(Schema):
    skill = fields.String()
    rating = fields.Integer()
    previous = fields.Integer(allow_none=True)


class ReviewSkillsSchema(Schema):
    latest_at = fields.DateTime()
    previous_at = fields.DateTime(allow_none=True)
    ratings = fields.List(fields.Nested(ReviewSkillRatingSchema))


class ReviewActivitySchema(Schema):
    this_period = fields.Integer()
    last_at = fields.DateTime(allow_none=True)
    last_id = fields.Integer(allow_none=True)
    last_mode = fields.String(allow_none=True)


ReviewCommitmentCountsSchema = Schema.from_dict({
    **{status: fields.Integer() for status in ("open", "overdue", "done", "dropped")},
    "completion_rate": fields.Float(allow_none=True, metadata={
        "description": "done / the confirmed commitments whose due date came (before today, or "
                       "today and closed; undated ones never count). null when none came due."}),
}, name="ReviewCommitmentCountsSchema")


class ReviewDashboardRepSchema(Schema):
    rep = fields.Nested(ReviewRepRefSchema)
    sessions = fields.Nested(ReviewActivitySchema)
    commitments = fields.Nested(ReviewCommitmentCountsSchema)
    kpis = fields.Nested(ReviewKpiSchema, allow_none=True)
    quality = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    skills = fields.Nested(ReviewSkillsSchema, allow_none=True)


class ReviewDashboardSchema(Schema):
    period = fields.String()
    period_start = fields.Date()
    generated_at = fields.DateTime()
    reps = fields.List(fields.Nested(ReviewDashboardRepSchema))


def _iso(obj):
    return obj["since"].isoformat() if obj.get("since") is not None else None


class ReviewAskNowItemSchema(Schema):
    kind = fields.String(metadata={"description": "stalled_opportunity, overdue_commitment, "
                                                  "kpi_drop, help_asked or overdue_assignment"})
    rep = fields.Nested(ReviewRefSchema)
    title = fields.String()
    detail = fields.String()
    question = fields.String(metadata={"description": "One open question for the next one-to-one."})
    opportunity_id = fields.Integer(allow_none=True)
    session_id = fields.Integer(allow_none=True)
    since = fields.Function(_iso)


class ReviewAskNowSchema(Schema):
    generated_at = fields.DateTime()
    items = fields.List(fields.Nested(ReviewAskNowItemSchema))


class DeliveryError(fields.String):
    """Only the short error class: rows stored before it was one may hold the receiver's answer."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(shown_error(value), attr, obj, **kwargs)


class ReviewDeliverySchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    url = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = DeliveryError(metadata={"description": "A short error class, e.g. `http_500`, "
                                         "`timeout`, `refused_internal_address`; never the answer."})
    next_attempt_at = fields.DateTime()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class ReviewResultMonthSchema(Schema):
    period_start = fields.Date()
    sessions = fields.Integer(metadata={"description": "Sessions confirmed that month (UTC)."})
    kept = fields.Integer(metadata={"description": "Commitments due that month, done."})
    missed = fields.Integer(metadata={"description": "Due that month, dropped or open past their date."})
    kept_pct = fields.Integer(allow_none=True)
    closed_value = money(allow_none=True)
    next_closed_value = money(allow_none=True, metadata={"description": "The month after."})
    next_change_pct = fields.Float(allow_none=True, metadata={
        "description": "Closed value of the month after against this month: association, not cause."})
    next_attainment_pct = fields.Integer(allow_none=True)
    currency = fields.String()


class ReviewResultSessionSchema(Schema):
    id = fields.Integer()
    confirmed_at = fields.DateTime()
    mode = fields.String()


class ReviewRepMonthSchema(ReviewResultMonthSchema):
    session_list = fields.List(fields.Nested(ReviewResultSessionSchema))


class ReviewRepResultsSchema(Schema):
    rep = fields.Nested(ReviewRefSchema)
    months = fields.List(fields.Nested(ReviewRepMonthSchema), metadata={"description": "Newest first."})


class ReviewTeamResultRowSchema(ReviewResultMonthSchema):
    rep = fields.Nested(ReviewRepRefSchema)


class ReviewTeamResultsSchema(Schema):
    period_start = fields.Date()
    next_period_start = fields.Date()
    reps = fields.List(fields.Nested(ReviewTeamResultRowSchema))
    total = fields.Dict()
