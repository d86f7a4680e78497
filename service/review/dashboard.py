"""The team dashboard: per rep, coaching activity, commitments, figures, quality and skills,
the reps ordered by need (triage.py), and the team's roll-up (rollup.py).

A fixed number of queries whatever the team or history size: each figure is one grouped or
windowed query over all the team's reps at once. Periods ("this week") are the organization's:
its time zone says when a day starts.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session, selectinload

from models import (
    CoachingSession,
    Commitment,
    KpiSnapshot,
    SkillAssessment,
    User,
    month_start,
    utcnow,
    zone_of,
)

from ..access import shared_commitments, shared_sessions
from . import quality, rollup, triage
from .scope import visible_reps

KPI_MONTHS = 6
RECENT_SESSIONS = 5
KPI_SHOWN = ("closed_value", "pipeline_value", "pipeline_count", "proposals", "deals_closed")


def period_start(period: str, today: date) -> date:
    if period == "week":
        return today - timedelta(days=today.weekday())
    return month_start(today)


def team_dashboard(session: Session, user: User, team_id: int | None = None,
                   period: str = "month", now: datetime | None = None) -> dict:
    now = now or utcnow()
    zone = zone_of(user.organization.time_zone)
    today = now.astimezone(zone).date()
    start = period_start(period, today)
    reps = list(session.scalars(visible_reps(user, team_id).where(User.active.is_(True))).unique())
    ids = [r.id for r in reps]
    activity = _activity(session, user, ids, datetime.combine(start, time(), tzinfo=zone))
    stalled = triage.stalled_by_rep(session, user.org_id, ids, now)
    recent = _recent_sessions(session, user, ids)
    figures = quality.metrics_for_many(session, [s for rows in recent.values() for s in rows])
    commitments = _commitments(session, user, ids, today)
    kpis = kpi_figures(session, ids, today)
    skills = _skills(session, ids)
    rows = []
    for rep in reps:
        last = recent[rep.id][0] if recent[rep.id] else None
        rows.append({
            "rep": {"id": rep.id, "name": rep.name, "email": rep.email,
                    "team": rep.team.name if rep.team else None},
            "sessions": {"this_period": activity.get(rep.id, 0),
                         "last_at": last.confirmed_at if last else None,
                         "last_id": last.id if last else None,
                         "last_mode": last.mode if last else None},
            "commitments": commitments.get(rep.id, _no_commitments()),
            "kpis": kpis.get(rep.id),
            "quality": quality.average([figures[s.id] for s in recent[rep.id]]),
            "skills": skills.get(rep.id),
        })
        rows[-1]["need"] = triage.need(rows[-1], stalled.get(rep.id), recent[rep.id], now, zone)
    return {"period": period, "period_start": start, "generated_at": now,
            "time_zone": user.organization.time_zone,
            "team": rollup.team_rollup(session, user, ids, rows, today, zone),
            "reps": triage.by_need(rows)}


def _activity(session, user, ids, since) -> dict[int, int]:
    stmt = (shared_sessions(user).with_only_columns(
        CoachingSession.rep_id, func.count(CoachingSession.id))
        .where(CoachingSession.rep_id.in_(ids), CoachingSession.confirmed_at >= since)
        .group_by(CoachingSession.rep_id))
    return dict(session.execute(stmt).all())


def _recent_sessions(session, user, ids) -> dict[int, list]:
    """Each rep's last few confirmed sessions: one statement, an index seek per rep.

    A UNION ALL of per-rep "ORDER BY confirmed_at DESC LIMIT n" reads n rows per rep from
    ix_coaching_sessions_rep_status_confirmed, where a window function would rank every session
    the team ever had.
    """
    grouped = defaultdict(list)
    if not ids:
        return grouped
    # `ids` are already the reps this user may see (visible_reps), so each part filters by rep only.
    per_rep = [select(select(CoachingSession.id)
                      .where(CoachingSession.rep_id == rep_id, CoachingSession.org_id == user.org_id,
                             CoachingSession.status == "confirmed")
                      .order_by(CoachingSession.confirmed_at.desc(), CoachingSession.id.desc())
                      .limit(RECENT_SESSIONS).subquery().c.id) for rep_id in ids]
    stmt = (select(CoachingSession).where(CoachingSession.id.in_(union_all(*per_rep)))
            .order_by(CoachingSession.confirmed_at.desc(), CoachingSession.id.desc()))
    for coaching in session.scalars(stmt):
        grouped[coaching.rep_id].append(coaching)
    return grouped


def _no_commitments() -> dict:
    return {"open": 0, "overdue": 0, "done": 0, "dropped": 0, "completion_rate": None,
            "by_month": [(0, 0)] * rollup.MONTHS}


def _commitments(session, user, ids, today) -> dict[int, dict]:
    """Each rep's confirmed commitments by state, and the completion rate as the README defines
    it: done / commitments whose due date came. A date "came" once it is past, or today for one
    already closed (an open one due today still has its day); undated commitments, drafts and
    removed drafts (deleted) never count; one done before its date counts when the date comes."""
    open_ = Commitment.status == "open"
    overdue = open_ & (Commitment.due_date < today)
    came = (Commitment.due_date < today) | (~open_ & (Commitment.due_date == today))

    count = rollup.count_of
    # The same pass counts the roll-up's completion by month (done, came due), per rep.
    months = rollup.completion_columns(came, today)
    stmt = (shared_commitments(user).with_only_columns(
        Commitment.rep_id, count(open_ & ((Commitment.due_date >= today) | Commitment.due_date.is_(None))),
        count(overdue), count(Commitment.status == "done"), count(Commitment.status == "dropped"),
        count(came & (Commitment.status == "done")), count(came), *months)
        .where(Commitment.rep_id.in_(ids)).group_by(Commitment.rep_id))
    out = {}
    for rep_id, open_n, overdue_n, done, dropped, done_due, due, *by_month in session.execute(stmt):
        out[rep_id] = {"open": open_n, "overdue": overdue_n, "done": done, "dropped": dropped,
                       "completion_rate": round(done_due / due, 2) if due else None,
                       "by_month": list(zip(by_month[::2], by_month[1::2], strict=True))}
    return out


def _change(now, before):
    if now is None or before is None or not before:
        return None
    return round(float((now - before) / before) * 100, 1)


def kpi_figures(session, ids, today) -> dict[int, dict]:
    """Each rep's latest month against the one before, and their recent months' history."""
    stmt = (select(KpiSnapshot).where(KpiSnapshot.rep_id.in_(ids), KpiSnapshot.period_type == "month",
                                      KpiSnapshot.period_start >= month_start(today, KPI_MONTHS))
            .order_by(KpiSnapshot.rep_id, KpiSnapshot.period_start))
    grouped = defaultdict(list)
    for snap in session.scalars(stmt):
        grouped[snap.rep_id].append(snap)
    out = {}
    for rep_id, snaps in grouped.items():
        latest, previous = snaps[-1], (snaps[-2] if len(snaps) > 1 else None)
        figures = {}
        for name in KPI_SHOWN:
            value, before = getattr(latest, name), getattr(previous, name) if previous else None
            figures[name] = {"value": value, "previous": before, "change_pct": _change(value, before)}
        out[rep_id] = {
            "period_start": latest.period_start, "currency": latest.currency, "quota": latest.quota,
            "attainment_pct": round(float(latest.closed_value / latest.quota) * 100)
            if latest.quota else None,
            "figures": figures,
            "history": [{"period_start": s.period_start, "closed_value": s.closed_value,
                         "pipeline_value": s.pipeline_value, "quota": s.quota} for s in snaps],
        }
    return out


def _skills(session, ids) -> dict[int, dict]:
    ranked = (select(SkillAssessment.id, func.row_number().over(
        partition_by=SkillAssessment.rep_id,
        order_by=(SkillAssessment.created_at.desc(), SkillAssessment.id.desc())).label("rank"))
        .where(SkillAssessment.rep_id.in_(ids)).subquery())
    stmt = (select(SkillAssessment).join(ranked, ranked.c.id == SkillAssessment.id)
            .where(ranked.c.rank <= 2).options(selectinload(SkillAssessment.ratings))
            .order_by(SkillAssessment.created_at.desc(), SkillAssessment.id.desc()))
    grouped = defaultdict(list)
    for assessment in session.scalars(stmt):
        grouped[assessment.rep_id].append(assessment)
    out = {}
    for rep_id, (latest, *rest) in grouped.items():
        before = {r.skill: r.rating for r in rest[0].ratings} if rest else {}
        out[rep_id] = {
            "latest_at": latest.created_at, "previous_at": rest[0].created_at if rest else None,
            "ratings": [{"skill": r.skill, "rating": r.rating, "previous": before.get(r.skill)}
                        for r in latest.ratings],
        }
    return out
