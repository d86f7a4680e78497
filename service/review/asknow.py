"""Ask now: what deserves a question at the manager's next one-to-one, with that question.

Stalled deals, overdue commitments, figures that dropped, help the rep asked for and sessions
the manager assigned that are past their date. Each item
carries one open question rendered from prompts/manager/<kind>.j2 (StrictUndefined: a missing
variable is a bug, never an empty gap in front of the rep).
"""

from datetime import date, datetime, timedelta
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CoachingSession,
    Commitment,
    Opportunity,
    SessionAssignment,
    User,
    utcnow,
    zone_of,
)

from ..access import (
    reviewable_reps,
    shared_commitments,
    shared_sessions,
    visible_assignments,
    visible_rep_ids,
)
from ..coach.prompt.figures import money
from ..config import ROOT
from .dashboard import kpi_figures
from .triage import HELP_DAYS, drops, org_stages, past_benchmark

KINDS = ("stalled_opportunity", "overdue_commitment", "kpi_drop", "help_asked", "overdue_assignment")
LIMIT = 25


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(ROOT / "prompts" / "manager")),
                       undefined=StrictUndefined, keep_trailing_newline=False)


def question(kind: str, **values) -> str:
    return _env().get_template(f"{kind}.j2").render(**values).strip()


def ask_now(session: Session, user: User, now: datetime | None = None) -> dict:
    now = now or utcnow()
    today = now.astimezone(zone_of(user.organization.time_zone)).date()  # the org's today
    items = (_stalled(session, user, now) + _overdue(session, user, today)
             + _drops(session, user, today) + _help(session, user, now)
             + _late_assignments(session, user, today))
    return {"generated_at": now, "items": items}


def _rep(rep_id: int, name: str) -> dict:
    return {"id": rep_id, "name": name}


def _stalled(session, user, now) -> list[dict]:
    stages = org_stages(session, user.org_id)
    if not stages:
        return []
    past = past_benchmark(stages, now)
    stmt = (select(Opportunity, User.name).join(User, User.id == Opportunity.owner_id)
            .where(Opportunity.org_id == user.org_id, Opportunity.status == "open",
                   Opportunity.owner_id.in_(visible_rep_ids(user)), past)
            .order_by(Opportunity.stage_entered_at).limit(LIMIT))
    by_id = {s.id: s for s in stages}
    items = []
    for opp, rep_name in session.execute(stmt):
        stage, days = by_id[opp.stage_id], (now - opp.stage_entered_at).days
        items.append({
            "kind": "stalled_opportunity", "rep": _rep(opp.owner_id, rep_name),
            "title": f"{opp.name} is stalled in {stage.name}",
            "detail": f"{days} days in stage; the benchmark is {stage.benchmark_days}.",
            "opportunity_id": opp.id, "session_id": None, "since": opp.stage_entered_at,
            "question": question("stalled_opportunity", opportunity=opp.name, stage=stage.name,
                                 days=days, benchmark=stage.benchmark_days),
        })
    return items


def _overdue(session, user, today: date) -> list[dict]:
    stmt = (shared_commitments(user).add_columns(User.name)
            .join(User, User.id == Commitment.rep_id)
            .where(Commitment.status == "open", Commitment.due_date < today)
            .order_by(Commitment.due_date, Commitment.id).limit(LIMIT))
    items = []
    for commitment, rep_name in session.execute(stmt):
        late = (today - commitment.due_date).days
        items.append({
            "kind": "overdue_commitment", "rep": _rep(commitment.rep_id, rep_name),
            "title": f"Overdue: {commitment.text}",
            "detail": f"Due {commitment.due_date.day} {commitment.due_date:%b %Y} "
                      f"({late} day{'s' * (late != 1)} ago).",
            "opportunity_id": commitment.opportunity_id, "session_id": commitment.session_id,
            "since": commitment.due_date,
            "question": question("overdue_commitment", commitment=commitment.text,
                                 due=f"{commitment.due_date.day} {commitment.due_date:%B}"),
        })
    return items


def _drops(session, user, today: date) -> list[dict]:
    reps = dict(session.execute(reviewable_reps(user).with_only_columns(User.id, User.name)
                                .where(User.active.is_(True))).all())
    items = []
    for rep_id, kpi in kpi_figures(session, list(reps), today).items():
        for field, figure, label in drops(kpi):
            period = kpi["period_start"].strftime("%B %Y")
            before, after = (money(figure[k], kpi["currency"]) for k in ("previous", "value"))
            items.append({
                "kind": "kpi_drop", "rep": _rep(rep_id, reps[rep_id]),
                "title": f"{label.capitalize()} down {abs(figure['change_pct']):g}%",
                "detail": f"{before} → {after} in {period}." + _quota_note(field, kpi),
                "opportunity_id": None, "session_id": None, "since": kpi["period_start"],
                "question": question("kpi_drop", figure=label, before=before, now=after,
                                     period=period),
            })
    return items


def _quota_note(field: str, kpi: dict) -> str:
    """Closed value means little without the quota: say it, or that none was set (0)."""
    if field != "closed_value":
        return ""
    if kpi["attainment_pct"] is None:
        return " No quota set."
    return f" {kpi['attainment_pct']}% of quota."


def _help(session, user, now) -> list[dict]:
    stmt = (shared_sessions(user).add_columns(User.name)
            .join(User, User.id == CoachingSession.rep_id)
            .where(CoachingSession.help_asked != "",
                   CoachingSession.confirmed_at >= now - timedelta(days=HELP_DAYS))
            .order_by(CoachingSession.confirmed_at.desc()).limit(LIMIT))
    items = []
    for coaching, rep_name in session.execute(stmt):
        items.append({
            "kind": "help_asked", "rep": _rep(coaching.rep_id, rep_name),
            "title": "Asked for your help",
            "detail": coaching.help_asked, "opportunity_id": coaching.opportunity_id,
            "session_id": coaching.id, "since": coaching.confirmed_at,
            "question": question("help_asked", help=coaching.help_asked),
        })
    return items


def _late_assignments(session, user, today: date) -> list[dict]:
    """Sessions the manager asked for, past their date and not confirmed yet."""
    stmt = (visible_assignments(user).add_columns(User.name)
            .join(User, User.id == SessionAssignment.rep_id)
            .where(SessionAssignment.status.in_(("open", "started")),
                   SessionAssignment.due_date < today)
            .order_by(SessionAssignment.due_date, SessionAssignment.id).limit(LIMIT))
    items = []
    for assignment, rep_name in session.execute(stmt):
        ask = assignment.note or f"hold a {assignment.mode.replace('_', ' ')} session"
        late = (today - assignment.due_date).days
        items.append({
            "kind": "overdue_assignment", "rep": _rep(assignment.rep_id, rep_name),
            "title": f"Assigned session overdue: {ask}",
            "detail": f"Due {assignment.due_date.day} {assignment.due_date:%b %Y} "
                      f"({late} day{'s' * (late != 1)} ago)"
                      + ("; started, not confirmed yet." if assignment.status == "started" else "."),
            "opportunity_id": assignment.opportunity_id, "session_id": None,
            "since": assignment.due_date,
            "question": question("overdue_assignment", ask=ask,
                                 due=f"{assignment.due_date.day} {assignment.due_date:%B}"),
        })
    return items
