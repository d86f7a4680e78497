"""Response schemas of the coaching-and-results figures (/review/results, /review/reps/{id}/results)."""

from marshmallow import Schema, fields

from .common import money
from .review_schemas import ReviewRefSchema, ReviewRepRefSchema


class ReviewResultMonthSchema(Schema):
    period_start = fields.Date()
    sessions = fields.Integer(metadata={
        "description": "Sessions confirmed that month (in the organization's time zone)."})
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
