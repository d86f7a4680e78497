"""Marshmallow schemas at the review edges, shared by the JSON API and the web pages."""

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from models import known_zones

from ..pagination import PageArgs


class ReviewDashboardArgs(Schema):
    team_id = fields.Integer()
    period = fields.String(load_default="month", validate=validate.OneOf(("week", "month")))


class ReviewSessionFilters(Schema):
    rep_id = fields.Integer()
    team_id = fields.Integer()
    mode = fields.String(validate=validate.Length(max=50))
    opportunity_id = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()
    reviewed = fields.Boolean(allow_none=True, load_default=None)
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Search text."})


class ReviewSessionFilterArgs(PageArgs, ReviewSessionFilters):
    """The filters and a page."""


class ReviewCommitmentCsvArgs(Schema):
    rep_id = fields.Integer()
    team_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(("open", "overdue", "done", "dropped")),
                           metadata={"description": "Any status when not given."})


class ReviewKpiCsvArgs(Schema):
    rep_id = fields.Integer()
    team_id = fields.Integer()
    period_type = fields.String(validate=validate.OneOf(("week", "month")))
    date_from = fields.Date(metadata={"description": "Periods starting on or after."})
    date_to = fields.Date(metadata={"description": "Periods starting on or before."})


class ReviewCommitmentArgs(PageArgs):
    rep_id = fields.Integer()


class ReviewExportArgs(Schema):
    format = fields.String(load_default="md", validate=validate.OneOf(("md", "json")))


class ReviewRangeExportArgs(ReviewExportArgs):
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    rep_id = fields.Integer()


class ReviewNoteSchema(Schema):
    class Meta:
        unknown = RAISE

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ReviewMarkedSchema(Schema):
    reviewed = fields.Boolean(load_default=True)


class ReviewCommitmentStatusForm(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("open", "done", "dropped")))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    back = fields.String(load_default="commitments", validate=validate.OneOf(("commitments", "session")))


class ReviewAssignForm(Schema):
    """The rep page's form: `about` is "opportunity:<id>" or "account:<id>" (one select)."""

    mode = fields.String(required=True, validate=validate.Length(min=1, max=50))
    about = fields.String(load_default="", validate=validate.Regexp(r"^((opportunity|account):\d{1,10})?$"))
    due_date = fields.Date(allow_none=True, load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @post_load
    def _about(self, data, **_kwargs):
        kind, _, number = data.pop("about").partition(":")
        data["opportunity_id" if kind == "opportunity" else "account_id"] = int(number) if number else None
        return data


class ReviewResultsArgs(Schema):
    month = fields.Date(metadata={"description": "Any day of the month (default: last month)."})
    team_id = fields.Integer()


class ReviewLoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    next = fields.String(load_default="")


def known_zone(value: str) -> None:
    if value not in known_zones():
        raise ValidationError("Not a known IANA time zone (for example Europe/Madrid).")


class ReviewSettingsSchema(Schema):
    time_zone = fields.String(validate=known_zone, metadata={
        "description": "IANA time zone (Europe/Madrid): every date and time on the review pages "
                       "and in Markdown exports is shown in it."})
    transcript_visibility = fields.String(validate=validate.OneOf(("full", "summary")))
    webhook_url = fields.Url(allow_none=True, schemes={"http", "https"}, require_tld=False,
                             validate=validate.Length(max=500))
    webhook_secret = fields.String(load_only=True, allow_none=True,
                                   validate=validate.Length(min=16, max=200),
                                   metadata={"description": "Write-only; at least 16 characters."})
    webhook_secret_set = fields.Boolean(dump_only=True)


def form_args(schema: Schema, values) -> dict:
    """Load HTML form or query values: empty inputs mean 'not given'; extra keys are ignored."""
    data = {k: v for k, v in values.items() if v not in ("", None) and k in schema.fields}
    return schema.load(data, unknown="exclude")
