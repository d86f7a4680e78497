"""Review pages that act: a rep's page (assign a session, coaching beside results), a
commitment's status set with a note, and the team's coaching beside results."""

from flask import current_app, g, redirect, request, url_for

from ..access import (
    check_may_assign,
    get_assignment,
    get_reviewable_rep,
    get_status_settable_commitment,
)
from ..coach_setup import get_coach
from ..db import db
from ..domain_errors import Invalid
from ..sessions.assignments import assign, withdraw
from ..sessions.commitment_status import set_status
from . import schemas
from .assigning import choices, rep_assignments
from .blueprint import bp
from .pages import args, page
from .results import rep_results, team_results


def _rep_page(rep, problem: str = ""):
    return page("rep.html", results=rep_results(db.session, g.user, rep), rep=rep,
                modes=get_coach(current_app).modes, problem=problem,
                assignments=rep_assignments(db.session, g.user, rep),
                assigned=request.args.get("assigned"), **choices(db.session, rep))


@bp.route("/reps/<int:rep_id>")
def rep_page(rep_id):
    """One rep: assign a session, their assignments, coaching beside results by month."""
    return _rep_page(get_reviewable_rep(db.session, g.user, rep_id))


@bp.route("/reps/<int:rep_id>/assignments", methods=["POST"])
def assign_session(rep_id):
    """Ask the rep to hold a session (mode, deal or account, due date, note)."""
    rep = check_may_assign(db.session, g.user, rep_id)
    try:
        assign(db.session, get_coach(current_app), g.user, rep,
               args(schemas.ReviewAssignForm(), request.form))
    except Invalid as exc:  # said beside the form, which the manager corrects
        return _rep_page(rep, " ".join(" ".join(v) for v in exc.fields.values())), 422
    return redirect(url_for("review.rep_page", rep_id=rep_id, assigned=1, _anchor="assign"))


@bp.route("/assignments/<int:assignment_id>/withdraw", methods=["POST"])
def withdraw_assignment(assignment_id):
    """Withdraw an assignment the rep has not done yet."""
    assignment = get_assignment(db.session, g.user, assignment_id, to_start=False)
    rep_id = assignment.rep_id
    withdraw(db.session, assignment)
    return redirect(url_for("review.rep_page", rep_id=rep_id, _anchor="assigned-h"))


@bp.route("/commitments/<int:commitment_id>/status", methods=["POST"])
def commitment_status(commitment_id):
    """Set a commitment's status with a note for the rep."""
    form = args(schemas.ReviewCommitmentStatusForm(), request.form)
    commitment = get_status_settable_commitment(db.session, g.user, commitment_id)
    set_status(db.session, g.user, commitment, form["status"], form["note"])
    if form["back"] == "session":
        return redirect(url_for("review.session_page", session_id=commitment.session_id,
                                _anchor=f"commitment-{commitment.id}"))
    return redirect(url_for("review.commitments", changed=commitment.id))


@bp.route("/results")
def results():
    """The team: one month's coaching beside the next month's closed value, per rep."""
    query = args(schemas.ReviewResultsArgs(), request.args)
    data = team_results(db.session, g.user, query.get("month"), query.get("team_id"))
    return page("results.html", data=data, query=query)

