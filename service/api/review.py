"""Manager review as JSON: dashboard, ask now, sessions, notes, reviewed marks, exports (and CSV).

Same rules as the pages: managers see the teams they lead, admins their organization, and only
sessions the rep confirmed. Exports answer a file download (Markdown or JSON).
"""

from flask import g
from flask.views import MethodView

from models import zone_of

from ..access import get_reviewable_rep
from ..auth import require_role
from ..db import db
from ..pagination import page_of
from ..privacy.audit import record_reads
from ..review import csv_export, export, schemas
from ..review.asknow import ask_now
from ..review.dashboard import team_dashboard
from ..review.results import rep_results, team_results
from ..review.sessions import (
    add_note,
    edit_note,
    mark_reviewed,
    open_commitments,
    search_sessions,
    session_detail,
)
from . import blueprint
from .results_schemas import ReviewRepResultsSchema, ReviewTeamResultsSchema
from .review_schemas import (
    ReviewAskNowSchema,
    ReviewCommitmentSchema,
    ReviewDashboardSchema,
    ReviewMarkedOutSchema,
    ReviewNoteOutSchema,
    ReviewSessionDetailSchema,
    ReviewSessionRowSchema,
)

blp = blueprint("review_api", __name__, "/review", "Manager review of confirmed coaching sessions.")


@blp.before_request
def reviewers_only():
    require_role("manager", "admin")


def _note(note) -> dict:
    return {"id": note.id, "session_id": note.session_id, "text": note.text,
            "author": {"id": g.user.id, "name": g.user.name}, "created_at": note.created_at,
            "updated_at": note.updated_at, "mine": True}


@blp.route("/dashboard")
@blp.arguments(schemas.ReviewDashboardArgs, location="query")
@blp.response(200, ReviewDashboardSchema)
def dashboard(args):
    """Reps in order of need (need.reason says why), the team's roll-up and charts; per rep:
    sessions, commitments, figures against the previous month and quota, quality, skills."""
    return team_dashboard(db.session, g.user, args.get("team_id"), args["period"])


@blp.route("/ask-now")
@blp.response(200, ReviewAskNowSchema)
def ask_now_items():
    """Stalled deals, overdue commitments, figure drops and help asked, each with one question."""
    return ask_now(db.session, g.user)


@blp.route("/sessions")
@blp.arguments(schemas.ReviewSessionFilterArgs, location="query")
@blp.response(200, page_of(ReviewSessionRowSchema))
def sessions(args):
    """Confirmed sessions: filter by rep, team, mode, opportunity, dates, reviewed; search text."""
    return search_sessions(db.session, g.user, args)


@blp.route("/sessions/<int:session_id>")
@blp.response(200, ReviewSessionDetailSchema)
def session(session_id):
    """One confirmed session (its transcript only when the organization shares transcripts)."""
    detail = session_detail(db.session, g.user, session_id)
    if detail["transcript_visible"]:
        record_reads(db.session, g.user, [detail], "api")
    return detail


EXPORT_DOC = {"responses": {"200": {
    "description": "A download: Markdown with format=md (default), JSON with format=json.",
    "content": {"text/markdown": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}}}}}}


@blp.route("/sessions/<int:session_id>/export")
@blp.arguments(schemas.ReviewExportArgs, location="query")
@blp.doc(**EXPORT_DOC)
def export_session(args, session_id):
    """Download one session as Markdown (format=md) or JSON (format=json)."""
    details = record_reads(db.session, g.user, export.export_one(db.session, g.user, session_id), "export")
    return export.download(details, args["format"],
                           f"session-{session_id}", zone_of(g.user.organization.time_zone))


@blp.route("/export")
@blp.arguments(schemas.ReviewRangeExportArgs, location="query")
@blp.doc(**EXPORT_DOC)
def export_range(args):
    """Download the confirmed sessions started in a date range (at most 500)."""
    details = export.export_range(db.session, g.user, args["date_from"], args["date_to"],
                                  args.get("rep_id"))
    record_reads(db.session, g.user, details, "export")
    return export.download(details, args["format"], f"sessions-{args['date_from']}-to-{args['date_to']}",
                           zone_of(g.user.organization.time_zone))


@blp.route("/sessions/<int:session_id>/notes", methods=["POST"])
@blp.arguments(schemas.ReviewNoteSchema)
@blp.response(201, ReviewNoteOutSchema)
def note_add(data, session_id):
    """Add a manager note to a session."""
    return _note(add_note(db.session, g.user, session_id, data["text"]))


@blp.route("/notes/<int:note_id>")
class Note(MethodView):
    @blp.arguments(schemas.ReviewNoteSchema)
    @blp.response(200, ReviewNoteOutSchema)
    def patch(self, data, note_id):
        """Change one of your own notes."""
        return _note(edit_note(db.session, g.user, note_id, data["text"]))


@blp.route("/sessions/<int:session_id>/reviewed", methods=["PUT"])
@blp.arguments(schemas.ReviewMarkedSchema)
@blp.response(200, ReviewMarkedOutSchema)
def reviewed(data, session_id):
    """Mark a session reviewed ({"reviewed": true}) or not."""
    return mark_reviewed(db.session, g.user, session_id, data["reviewed"])


@blp.route("/commitments")
@blp.arguments(schemas.ReviewCommitmentArgs, location="query")
@blp.response(200, page_of(ReviewCommitmentSchema))
def commitments(args):
    """The team's open commitments from confirmed sessions, soonest due first."""
    return open_commitments(db.session, g.user, args)


@blp.route("/results")
@blp.arguments(schemas.ReviewResultsArgs, location="query")
@blp.response(200, ReviewTeamResultsSchema)
def results(args):
    """Per rep, one month: sessions, commitments kept, the next month's closed-value change."""
    return team_results(db.session, g.user, args.get("month"), args.get("team_id"))


@blp.route("/reps/<int:rep_id>/results")
@blp.response(200, ReviewRepResultsSchema)
def rep_results_view(rep_id):
    """One rep's last six months: sessions, commitments kept and missed, next month's figures."""
    return rep_results(db.session, g.user, get_reviewable_rep(db.session, g.user, rep_id))
CSV_DOC = {"responses": {"200": {
    "description": "A CSV download (README: CSV export lists the columns), streamed.",
    "content": {"text/csv": {"schema": {"type": "string"}}}}}}


@blp.route("/export/sessions.csv")
@blp.arguments(schemas.ReviewSessionFilters, location="query")
@blp.doc(**CSV_DOC)
def sessions_csv(args):
    """The confirmed sessions the filters match (as /review/sessions), as CSV."""
    return csv_export.download(g.user, "sessions", args)


@blp.route("/export/commitments.csv")
@blp.arguments(schemas.ReviewCommitmentCsvArgs, location="query")
@blp.doc(**CSV_DOC)
def commitments_csv(args):
    """Confirmed commitments of a rep or team, any status or one, as CSV."""
    return csv_export.download(g.user, "commitments", args)


@blp.route("/export/kpis.csv")
@blp.arguments(schemas.ReviewKpiCsvArgs, location="query")
@blp.doc(**CSV_DOC)
def kpis_csv(args):
    """KPI snapshots of the reps you review, by period, as CSV."""
    return csv_export.download(g.user, "kpis", args)
