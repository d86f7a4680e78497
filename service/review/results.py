"""Coaching beside results: per month, a rep's confirmed sessions, the commitments due that month
kept or missed, and how their closed value moved in the month after; the team the same way for
one month. Figures side by side, an association and never a cause (the pages say so).

A fixed number of queries: each figure is one grouped query over every month and rep at once.
"""

from datetime import date, datetime, time, tzinfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from models import CoachingSession, Commitment, KpiSnapshot, User, month_start, utcnow, zone_of

from ..access import shared_commitments, shared_sessions
from .scope import visible_reps

MONTHS = 6
SESSIONS_SHOWN = 60


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _at(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _zone_today(user: User, today: date | None) -> tuple[tzinfo, date]:
    """The organization's zone and today there: months start at its midnight, as on the dashboard."""
    zone = zone_of(user.organization.time_zone)
    return zone, today or utcnow().astimezone(zone).date()


def _change(now, before):
    if now is None or before is None or not before:
        return None
    return round(float((now - before) / before) * 100, 1)


def _sessions(session, user, ids, months, zone) -> dict[int, list[int]]:
    """Confirmed sessions per rep and month (months of the organization's zone)."""
    column = CoachingSession.confirmed_at
    counts = [func.sum(case((and_(column >= _at(m, zone), column < _at(_next(m), zone)), 1), else_=0))
              for m in months]
    stmt = (shared_sessions(user).with_only_columns(CoachingSession.rep_id, *counts)
            .where(CoachingSession.rep_id.in_(ids), column >= _at(months[0], zone),
                   column < _at(_next(months[-1]), zone)).group_by(CoachingSession.rep_id))
    return {row[0]: [int(n or 0) for n in row[1:]] for row in session.execute(stmt)}


def _commitments(session, user, ids, months, today) -> dict[int, list[tuple[int, int]]]:
    """Per rep and month, the commitments due that month kept (done) and missed (dropped, or
    open past their date); those still open and not yet due are neither."""
    due, status = Commitment.due_date, Commitment.status
    missed = or_(status == "dropped", and_(status == "open", due < today))
    cols = []
    for m in months:
        within = and_(due >= m, due < _next(m))
        cols += [func.sum(case((and_(within, status == "done"), 1), else_=0)),
                 func.sum(case((and_(within, missed), 1), else_=0))]
    stmt = (shared_commitments(user).with_only_columns(Commitment.rep_id, *cols)
            .where(Commitment.rep_id.in_(ids), due >= months[0], due < _next(months[-1]))
            .group_by(Commitment.rep_id))
    return {row[0]: [(int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0)) for i in range(len(months))]
            for row in session.execute(stmt)}


def _closed(session, ids, months) -> dict[int, dict[date, KpiSnapshot]]:
    wanted = [*months, _next(months[-1])]
    stmt = select(KpiSnapshot).where(KpiSnapshot.rep_id.in_(ids), KpiSnapshot.period_type == "month",
                                     KpiSnapshot.period_start.in_(wanted))
    out: dict[int, dict[date, KpiSnapshot]] = {}
    for snap in session.scalars(stmt):
        out.setdefault(snap.rep_id, {})[snap.period_start] = snap
    return out


def _month(month, sessions, kept_missed, snaps) -> dict:
    kept, missed = kept_missed
    this, after = snaps.get(month), snaps.get(_next(month))
    return {
        "period_start": month, "sessions": sessions, "kept": kept, "missed": missed,
        "kept_pct": round(100 * kept / (kept + missed)) if kept + missed else None,
        "closed_value": this.closed_value if this else None,
        "next_closed_value": after.closed_value if after else None,
        "next_change_pct": _change(after.closed_value, this.closed_value) if this and after else None,
        "next_attainment_pct": round(float(after.closed_value / after.quota) * 100)
        if after and after.quota else None,
        "currency": (this or after).currency if (this or after) else "USD",
    }


def rep_results(session: Session, user: User, rep: User, today: date | None = None) -> dict:
    """One rep's last MONTHS months, newest first, with the sessions of each (``rep``: one the
    user reviews, access.get_reviewable_rep)."""
    zone, today = _zone_today(user, today)
    months = [month_start(today, i) for i in range(MONTHS - 1, -1, -1)]
    counts = _sessions(session, user, [rep.id], months, zone).get(rep.id, [0] * len(months))
    commitments = _commitments(session, user, [rep.id], months, today).get(rep.id, [(0, 0)] * len(months))
    snaps = _closed(session, [rep.id], months).get(rep.id, {})
    listed = session.execute(shared_sessions(user).with_only_columns(
        CoachingSession.id, CoachingSession.confirmed_at, CoachingSession.mode)
        .where(CoachingSession.rep_id == rep.id, CoachingSession.confirmed_at >= _at(months[0], zone))
        .order_by(CoachingSession.confirmed_at.desc()).limit(SESSIONS_SHOWN)).all()
    rows = []
    for i, month in enumerate(months):
        row = _month(month, counts[i], commitments[i], snaps)
        row["session_list"] = [{"id": sid, "confirmed_at": at, "mode": mode} for sid, at, mode in listed
                               if month <= at.astimezone(zone).date() < _next(month)]
        rows.append(row)
    return {"rep": {"id": rep.id, "name": rep.name}, "months": rows[::-1]}


def team_results(session: Session, user: User, month: date | None = None,
                 team_id: int | None = None, today: date | None = None) -> dict:
    """Per rep: one month's sessions, commitments kept, and the next month's closed-value change
    (default: last month, the latest with a month after it)."""
    zone, today = _zone_today(user, today)
    month = month_start(month) if month else month_start(today, 1)
    reps = list(session.scalars(visible_reps(user, team_id).where(User.active.is_(True))).unique())
    ids = [r.id for r in reps]
    counts = _sessions(session, user, ids, [month], zone)
    commitments = _commitments(session, user, ids, [month], today)
    snaps = _closed(session, ids, [month])
    rows = [{"rep": {"id": r.id, "name": r.name, "team": r.team.name if r.team else None},
             **_month(month, counts.get(r.id, [0])[0], commitments.get(r.id, [(0, 0)])[0],
                      snaps.get(r.id, {}))} for r in reps]
    kept, missed = sum(r["kept"] for r in rows), sum(r["missed"] for r in rows)
    total = {"sessions": sum(r["sessions"] for r in rows), "kept": kept, "missed": missed,
             "kept_pct": round(100 * kept / (kept + missed)) if kept + missed else None}
    return {"period_start": month, "next_period_start": _next(month),
            "months": [month_start(today, i) for i in range(MONTHS)], "reps": rows, "total": total}
