"""The review pages: dashboard, ask now, sessions, one session, commitments, exports."""

from flask import g, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from models import CoachingSession, Opportunity, Team

from ..access import shared_sessions, visible_rep_ids, visible_teams
from ..db import db
from ..errors import ApiError
from ..privacy.audit import record_reads
from . import charts, export, quality, schemas
from .asknow import ask_now
from .blueprint import bp, org_zone
from .dashboard import team_dashboard
from .schemas import form_args
from .scope import visible_reps
from .sessions import add_note, edit_note, mark_reviewed, open_commitments, search_sessions, session_detail


def args(schema: Schema, values) -> dict:
    """Form or query values through a schema; invalid input answers 422 with the fields."""
    try:
        return form_args(schema, values)
    except ValidationError as exc:
        raise ApiError(422, "Some values were not valid: " + "; ".join(
            f"{k}: {' '.join(v) if isinstance(v, list) else v}" for k, v in exc.messages.items()),
            fields=exc.messages) from exc


def page(template: str, **context):
    return render_template(f"review/{template}", user=g.user, charts=charts, quality=quality,
                           **context)


@bp.route("/")
def dashboard():
    """The team dashboard: one row per rep."""
    query = args(schemas.ReviewDashboardArgs(), request.args)
    data = team_dashboard(db.session, g.user, query.get("team_id"), query["period"])
    return page("dashboard.html", data=data, query=query,
                teams=db.session.scalars(visible_teams(g.user).order_by(Team.name)).all())


@bp.route("/ask-now")
def ask_now_page():
    """What to ask at the next one-to-ones."""
    return page("ask_now.html", data=ask_now(db.session, g.user))


def _filter_choices() -> dict:
    reps = db.session.scalars(visible_reps(g.user)).unique().all()
    # The modes of shared sessions only: a rep's unconfirmed session is not even a filter here.
    modes = db.session.scalars(shared_sessions(g.user).with_only_columns(CoachingSession.mode)
                               .distinct().order_by(CoachingSession.mode)).all()
    opps = db.session.execute(select(Opportunity.id, Opportunity.name).where(
        Opportunity.org_id == g.user.org_id, Opportunity.owner_id.in_(visible_rep_ids(g.user)))
        .order_by(Opportunity.name).limit(300)).all()
    return {"reps": reps, "modes": modes, "opportunities": opps}


@bp.route("/sessions")
def sessions():
    """Confirmed sessions: filter, search, page through."""
    query = args(schemas.ReviewSessionFilterArgs(), request.args)
    result = search_sessions(db.session, g.user, query)
    return page("sessions.html", result=result, query=query, **_filter_choices())


@bp.route("/sessions/<int:session_id>")
def session_page(session_id):
    """One session: transcript (when allowed), summary, commitments, figures, notes."""
    detail = session_detail(db.session, g.user, session_id)
    if detail["transcript_visible"]:
        record_reads(db.session, g.user, [detail], "transcript")
    return page("session.html", s=detail, edit=request.args.get("edit", type=int))


@bp.route("/sessions/<int:session_id>/notes", methods=["POST"])
def note_add(session_id):
    """Add a manager note to a session."""
    add_note(db.session, g.user, session_id, args(schemas.ReviewNoteSchema(), request.form)["text"])
    return redirect(url_for("review.session_page", session_id=session_id, _anchor="notes"))


@bp.route("/notes/<int:note_id>", methods=["POST"])
def note_edit(note_id):
    """Change one of your own notes."""
    note = edit_note(db.session, g.user, note_id, args(schemas.ReviewNoteSchema(), request.form)["text"])
    return redirect(url_for("review.session_page", session_id=note.session_id, _anchor="notes"))


@bp.route("/sessions/<int:session_id>/reviewed", methods=["POST"])
def reviewed(session_id):
    """Mark a session reviewed (or not)."""
    marked = args(schemas.ReviewMarkedSchema(), request.form)["reviewed"]
    mark_reviewed(db.session, g.user, session_id, marked)
    return redirect(url_for("review.session_page", session_id=session_id))


@bp.route("/commitments")
def commitments():
    """The team's open commitments by due date."""
    query = args(schemas.ReviewCommitmentArgs(), request.args)
    result = open_commitments(db.session, g.user, query)
    return page("commitments.html", result=result, query=query,
                reps=db.session.scalars(visible_reps(g.user)).unique().all())


@bp.route("/sessions/<int:session_id>/export")
def export_session(session_id):
    """Download one session as Markdown or JSON."""
    fmt = args(schemas.ReviewExportArgs(), request.args)["format"]
    details = record_reads(db.session, g.user, export.export_one(db.session, g.user, session_id), "export")
    return export.download(details, fmt, f"session-{session_id}",
                           org_zone())


@bp.route("/export")
def export_range():
    """Download the sessions of a date range as Markdown or JSON."""
    query = args(schemas.ReviewRangeExportArgs(), request.args)
    details = export.export_range(db.session, g.user, query["date_from"], query["date_to"],
                                  query.get("rep_id"))
    record_reads(db.session, g.user, details, "export")
    name = f"sessions-{query['date_from']}-to-{query['date_to']}"
    return export.download(details, query["format"], name, org_zone())
