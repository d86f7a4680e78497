"""Response schemas of the manager review API (request schemas live in service/review/schemas.py)."""

from marshmallow import Schema, fields, validate

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


class ReviewNeedSignalSchema(Schema):
    kind = fields.String(metadata={"description": "help_asked, overdue_commitment, "
                                                  "stalled_opportunity, kpi_drop or no_coaching"})
    weight = fields.Integer()
    text = fields.String(metadata={"description": "As the card says it."})


class ReviewNeedSchema(Schema):
    score = fields.Integer(metadata={"description": "The sum of the signals' weights: reps come "
                                                    "in descending order of it, then by name."})
    reason = fields.String(metadata={"description": "The signals as one line, heaviest first."})
    signals = fields.List(fields.Nested(ReviewNeedSignalSchema))


class ReviewMonthClosedSchema(Schema):
    period_start = fields.Date()
    closed_value = money()
    quota = money()


class ReviewMonthCompletionSchema(Schema):
    period_start = fields.Date()
    done = fields.Integer()
    due = fields.Integer(metadata={"description": "Commitments due that month whose date came."})
    rate = fields.Float(allow_none=True)


class ReviewWeekSessionsSchema(Schema):
    week_start = fields.Date(metadata={"description": "A Monday, in the organization's zone."})
    sessions = fields.Integer()


class ReviewTeamChartsSchema(Schema):
    closed_by_month = fields.List(fields.Nested(ReviewMonthClosedSchema))
    completion_by_month = fields.List(fields.Nested(ReviewMonthCompletionSchema))
    sessions_by_week = fields.List(fields.Nested(ReviewWeekSessionsSchema))


class ReviewTeamSchema(Schema):
    currency = fields.String(allow_none=True, metadata={"description": "null when reps report in "
                                                                       "several currencies"})
    mixed_currencies = fields.Boolean()
    month = fields.Nested(ReviewMonthClosedSchema, allow_none=True, metadata={
        "description": "The team's latest month on record: closed value and quota summed."})
    attainment_pct = fields.Integer(allow_none=True)
    quota_left = money(allow_none=True)
    open_pipeline = money()
    pipeline_cover = fields.Float(allow_none=True, metadata={
        "description": "open pipeline / quota left; null when the quota is met or none is set"})
    sessions_this_period = fields.Integer()
    charts = fields.Nested(ReviewTeamChartsSchema)


class ReviewDashboardRepSchema(Schema):
    rep = fields.Nested(ReviewRepRefSchema)
    need = fields.Nested(ReviewNeedSchema)
    sessions = fields.Nested(ReviewActivitySchema)
    commitments = fields.Nested(ReviewCommitmentCountsSchema)
    kpis = fields.Nested(ReviewKpiSchema, allow_none=True)
    quality = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    skills = fields.Nested(ReviewSkillsSchema, allow_none=True)


class ReviewDashboardSchema(Schema):
    period = fields.String()
    period_start = fields.Date()
    generated_at = fields.DateTime()
    time_zone = fields.String(metadata={"description": "The organization's IANA zone: periods "
                                                      "and weeks start at its midnight."})
    team = fields.Nested(ReviewTeamSchema)
    reps = fields.List(fields.Nested(ReviewDashboardRepSchema, metadata={
        "description": "In order of need (need.score), then by name."}))


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


class DeliveredSchema(Schema):
    """What a delivery (webhook or nudge) says of its attempts."""

    status = fields.String()
    attempts = fields.Integer()
    last_error = DeliveryError(metadata={"description": "A short error class, e.g. `http_500`, "
                                         "`timeout`, `refused_internal_address`, `smtp_451`; "
                                         "never the answer."})
    next_attempt_at = fields.DateTime()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class NudgeDeliverySchema(DeliveredSchema):
    id = fields.Integer()
    key = fields.String(metadata={"description": "kind:receiver:date, unique: a nudge is sent once."})
    kind = fields.String(metadata={"description": "rep_due, manager_digest or team_digest"})
    channel = fields.String(metadata={"description": "email, slack or teams"})
    recipient = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"description": "pending, sending, delivered, failed or skipped "
                                                    "(the person turned emails off, or the webhook "
                                                    "was removed)"})


class TeamChatSchema(Schema):
    team_id = fields.Integer(dump_only=True)
    team = fields.String(dump_only=True)
    url = fields.Url(allow_none=True, schemes={"https"}, require_tld=False,
                     validate=validate.Length(max=500), metadata={
                         "description": "A Slack or Teams incoming webhook (https, public); null "
                                        "removes it."})
    kind = fields.String(allow_none=True, validate=validate.OneOf(("slack", "teams")), metadata={
        "description": "slack or teams; read from hooks.slack.com / *.webhook.office.com / "
                       "*.logic.azure.com when not given."})


class ReviewDeliverySchema(DeliveredSchema):
    id = fields.Integer()
    session_id = fields.Integer()
    url = fields.String()
