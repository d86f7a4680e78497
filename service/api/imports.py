"""CSV imports (admins): upload a file for its preview and guessed mapping, run it with the
mapping, follow its progress, read the rows it rejected."""

from flask import current_app, g, request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate

from models import IMPORT_KINDS

from ..db import db
from ..imports import jobs
from ..pagination import PageArgs, page_of, paginate
from ..request_body import loads
from . import blueprint

blp = blueprint("imports", __name__, "/imports",
                "CSV imports of accounts, opportunities, KPI snapshots and users (admins).")


@blp.before_request
def _upload_limit():
    request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


class StringMap(fields.Dict):
    """A {text: text} map; in a form, written as a JSON object."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(validate=validate.Length(max=300)),
                         values=fields.String(validate=validate.Length(max=300)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = loads(value.encode())
            except Exception:
                raise ValidationError("Not a JSON object.") from None
        return super()._deserialize(value, attr, data, **kwargs)


class ImportJobSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed."})
    error = fields.String(metadata={"description": "Why a failed job stopped."})
    total = fields.Integer(metadata={"description": "Data rows in the file."})
    processed, created, updated, unchanged, rejected = (fields.Integer() for _ in range(5))
    mapping = fields.Dict(metadata={"description": "CSV header -> field."})
    stage_map = fields.Dict(metadata={"description": "CRM stage name -> your stage."})
    created_at, started_at, finished_at = (fields.DateTime(allow_none=True) for _ in range(3))


class StageSeenSchema(Schema):
    name = fields.String()
    rows = fields.Integer()
    mapped_to = fields.String(allow_none=True, metadata={"description": "null: rows rejected."})


class PreviewSchema(Schema):
    header = fields.List(fields.String())
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    required = fields.List(fields.String())
    mapping = fields.Dict()
    rows = fields.List(fields.Dict(), metadata={"description": "The first 5 rows, mapped."})
    stages = fields.List(fields.Nested(StageSeenSchema))


class UploadResultSchema(Schema):
    job = fields.Nested(ImportJobSchema)
    preview = fields.Nested(PreviewSchema, allow_none=True)


class UploadFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class UploadFormSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(IMPORT_KINDS))
    mapping = StringMap(metadata={"description": "JSON: CSV header -> field. Default: guessed."})
    stage_map = StringMap(metadata={"description": "JSON: CRM stage name -> your stage."})
    run = fields.Boolean(load_default=False, metadata={"description": "true: start the job now."})


class RunSchema(Schema):
    mapping = StringMap()
    stage_map = StringMap()


class RejectionSchema(Schema):
    row_number = fields.Integer(metadata={"description": "The file's line; the header is 1."})
    reason = fields.String()
    raw = fields.Dict(metadata={"description": "The row as read: header -> cell."})


def _factory():
    return current_app.extensions["db"]["sessionmaker"]


@blp.route("")
class Imports(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ImportJobSchema))
    def get(self, args):
        """Your organization's imports, newest first."""
        return paginate(db.session, jobs.visible_jobs(g.user), args)

    @blp.arguments(UploadFileSchema, location="files")
    @blp.arguments(UploadFormSchema, location="form")
    @blp.response(201, UploadResultSchema)
    def post(self, files, form):
        """Upload a CSV file: its preview and guessed mapping, or (run=true) the job started."""
        job = jobs.queue_upload(db.session, g.user, form["kind"], files["file"],
                                current_app.config["IMPORT_DIR"])
        if form["run"]:
            return {"job": jobs.start(db.session, _factory(), job, form.get("mapping"),
                                      form.get("stage_map")), "preview": None}
        return {"job": job, "preview": jobs.job_preview(db.session, job, form.get("mapping"),
                                                         form.get("stage_map"))}


@blp.route("/<int:job_id>")
@blp.response(200, ImportJobSchema)
def get_import(job_id):
    """One import: its status and counts (poll it while it runs)."""
    return jobs.get_job(db.session, g.user, job_id)


@blp.route("/<int:job_id>/run", methods=["POST"])
@blp.arguments(RunSchema)
@blp.response(202, ImportJobSchema)
def run_import(data, job_id):
    """Start a queued import with this mapping and stage mapping (default: the uploaded ones)."""
    job = jobs.get_job(db.session, g.user, job_id)
    return jobs.start(db.session, _factory(), job, data.get("mapping"), data.get("stage_map"))


@blp.route("/<int:job_id>/rejections")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RejectionSchema))
def rejections(args, job_id):
    """The rows an import rejected, in file order, each with the reason and the row as read."""
    return paginate(db.session, jobs.rejections_of(jobs.get_job(db.session, g.user, job_id)), args)

