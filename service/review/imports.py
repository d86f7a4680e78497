"""The admin's CSV import page: upload -> mapping (a select per column, the stage mapping, the
preview) -> run -> a progress bar polled from a small JSON endpoint -> the counts and the
rejected rows (and their CSV download)."""

from flask import Response, current_app, g, jsonify, redirect, request, url_for
from marshmallow import Schema, fields, validate

from models import IMPORT_KINDS, ImportJob, utcnow

from ..db import db
from ..domain_errors import Invalid
from ..imports import jobs
from ..imports.csv_file import FIELDS
from ..pagination import PageArgs, paginate
from ..world import stages_of
from .blueprint import bp
from .csv_export import lines
from .pages import args, page

# The progress page's one script (static, ours): it polls progress.json and moves the bar.
PROGRESS_CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class UploadForm(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(IMPORT_KINDS))


class MappingForm(Schema):
    action = fields.String(load_default="preview", validate=validate.OneOf(("preview", "run")))


@bp.before_app_request
def _upload_limit():
    """Before the CSRF check reads the form: an upload may be larger than other bodies."""
    if request.endpoint == "review.imports_page" and request.method == "POST":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.route("/admin/imports", methods=["GET", "POST"])
def imports_page():
    """Upload a CSV file, or see the organization's imports (admins)."""
    if request.method == "POST":
        kind = args(UploadForm(), request.form)["kind"]
        file = request.files.get("file")
        if file is None or not file.filename:
            raise Invalid({"file": ["Choose a CSV file."]})
        job = jobs.queue_upload(db.session, g.user, kind, file, current_app.config["IMPORT_DIR"])
        return redirect(url_for("review.import_job", job_id=job.id))
    recent = paginate(db.session, jobs.visible_jobs(g.user), args(PageArgs(), request.args))
    return page("imports.html", kinds=IMPORT_KINDS, result=recent)


def _chosen(form, header: list[str]) -> tuple[dict, dict]:
    """The mapping (map-N: the field of column N) and stage mapping (stage-N of stage_name-N)."""
    mapping = {column: form.get(f"map-{n}", "") for n, column in enumerate(header)}
    stage_map = {}
    for key, name in form.items():
        if key.startswith("stage_name-") and form.get("stage-" + key.removeprefix("stage_name-")):
            stage_map[name[:300]] = form["stage-" + key.removeprefix("stage_name-")][:300]
    return {c: f for c, f in mapping.items() if f}, stage_map


@bp.route("/admin/imports/<int:job_id>", methods=["GET", "POST"])
def import_job(job_id):
    """An import: its mapping step while queued, its progress while running, then its result."""
    job = jobs.get_job(db.session, g.user, job_id)
    if request.method == "POST":
        action = args(MappingForm(), request.form)["action"]
        mapping, stage_map = _chosen(request.form, jobs.job_preview(db.session, job)["header"])
        if action == "run":
            jobs.start(db.session, db.sessionmaker, job, mapping, stage_map)
            return redirect(url_for("review.import_job", job_id=job.id))
        job.mapping, job.stage_map = mapping, stage_map
        db.session.commit()
    if job.status == "queued":
        return page("import_mapping.html", job=job, preview=jobs.job_preview(db.session, job),
                    fields=FIELDS[job.kind], stages=[s.name for s in stages_of(db.session, job.org_id)])
    rejected = paginate(db.session, jobs.rejections_of(job), args(PageArgs(), request.args))
    response = current_app.make_response(page("import_job.html", job=job, rejected=rejected))
    response.headers["Content-Security-Policy"] = PROGRESS_CSP
    return response


@bp.route("/admin/imports/<int:job_id>/progress.json")
def import_progress(job_id):
    """Where a running import is: the progress bar's poll."""
    job = jobs.get_job(db.session, g.user, job_id)
    return jsonify({key: getattr(job, key) for key in (
        "status", "total", "processed", "created", "updated", "unchanged", "rejected", "error")})


def _rejected_rows(factory, job_id: int, header: list[str]):
    """The rows read in a session of their own, while the response is sent."""
    with factory() as session:
        stmt = jobs.rejections_of(session.get(ImportJob, job_id)).execution_options(yield_per=1000)
        for r in session.scalars(stmt):
            yield (r.row_number, r.reason, *(r.raw.get(c, "") for c in header))


@bp.route("/admin/imports/<int:job_id>/rejections.csv")
def import_rejections_csv(job_id):
    """The rejected rows as CSV: line, reason, then the row's own cells."""
    job = jobs.get_job(db.session, g.user, job_id)
    first = db.session.scalar(jobs.rejections_of(job).limit(1))
    header = list(first.raw) if first else list(job.mapping)
    body = lines(("line", "reason", *header), _rejected_rows(db.sessionmaker, job.id, header))
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="import-{job.id}-rejected-{utcnow():%Y-%m-%d}.csv"'})
