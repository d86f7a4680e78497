"""The dashboard's team roll-up: closed value against quota, pipeline cover and sessions this
period; and the team's charts: closed value against quota by month, commitment completion by
month, sessions per week. The figures and the completion counts come with the reps' rows; the
open pipeline and the weeks are one query each, whatever the team's size or history.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import CoachingSession, Commitment, Opportunity, User, month_start

from ..access import shared_sessions

MONTHS = 6
WEEKS = 8


def team_rollup(session: Session, user: User, ids: list[int], rows: list[dict], today: date,
                zone) -> dict:
    """The team's row: `rows` are the dashboard's rep rows (their KPI history and activity)."""
    kpis = [r["kpis"] for r in rows if r["kpis"]]
    pipeline = _open_pipeline(session, user.org_id, ids)
    currencies = {k["currency"] for k in kpis} | set(pipeline)
    months = _closed_by_month(kpis)
    latest = months[-1] if months else None
    open_value = sum(pipeline.values(), Decimal(0))
    left = max(latest["quota"] - latest["closed_value"], Decimal(0)) if latest else None
    return {
        # Sums across currencies would mean nothing: then the page says so instead of a figure.
        "currency": next(iter(currencies)) if len(currencies) == 1 else None,
        "mixed_currencies": len(currencies) > 1,
        "month": latest,
        "attainment_pct": round(float(latest["closed_value"] / latest["quota"]) * 100)
        if latest and latest["quota"] else None,
        "quota_left": left,
        "open_pipeline": open_value,
        "pipeline_cover": round(float(open_value / left), 1) if left else None,
        "sessions_this_period": sum(r["sessions"]["this_period"] for r in rows),
        "charts": {
            "closed_by_month": months,
            "completion_by_month": _completion_by_month(rows, today),
            "sessions_by_week": _sessions_by_week(session, user, ids, today, zone),
        },
    }


def _closed_by_month(kpis: list[dict]) -> list[dict]:
    """The team's closed value and quota per month: the sum of the reps' monthly history."""
    months: dict[date, dict] = {}
    for kpi in kpis:
        for point in kpi["history"]:
            month = months.setdefault(point["period_start"], {
                "period_start": point["period_start"], "closed_value": Decimal(0), "quota": Decimal(0)})
            month["closed_value"] += point["closed_value"]
            month["quota"] += point["quota"]
    return [months[k] for k in sorted(months)][-MONTHS:]


def _open_pipeline(session, org_id, ids) -> dict[str, Decimal]:
    stmt = (select(Opportunity.currency, func.sum(Opportunity.amount))
            .where(Opportunity.org_id == org_id, Opportunity.status == "open",
                   Opportunity.owner_id.in_(ids)).group_by(Opportunity.currency))
    return {currency: Decimal(total or 0) for currency, total in session.execute(stmt)}


def count_of(cond):
    """SUM(CASE WHEN cond THEN 1 ELSE 0 END): a count of one condition inside a grouped query."""
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _month_starts(today: date) -> list[date]:
    return [month_start(today, back) for back in range(MONTHS - 1, -1, -1)]


def completion_columns(came, today: date) -> list:
    """(done, came due) per charted month of due date, as columns of the dashboard's grouped
    commitments query (dashboard._commitments), so the chart costs no query of its own."""
    starts = _month_starts(today)
    ends = starts[1:] + [month_start(today, -1)]
    columns = []
    for start, end in zip(starts, ends, strict=True):
        month = (Commitment.due_date >= start) & (Commitment.due_date < end) & came
        columns += [count_of(month & (Commitment.status == "done")), count_of(month)]
    return columns


def _completion_by_month(rows: list[dict], today: date) -> list[dict]:
    """Per month of due date: done / the commitments whose date came, as the cards count it."""
    out = []
    for i, start in enumerate(_month_starts(today)):
        done = sum(r["commitments"]["by_month"][i][0] for r in rows)
        due = sum(r["commitments"]["by_month"][i][1] for r in rows)
        out.append({"period_start": start, "done": done, "due": due,
                    "rate": round(done / due, 2) if due else None})
    return out


def _sessions_by_week(session, user, ids, today, zone) -> list[dict]:
    """Confirmed sessions per week (Monday to Sunday where the organization is)."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    bounds = [datetime.combine(d, time(), tzinfo=zone) for d in [*starts, monday + timedelta(weeks=1)]]
    at = CoachingSession.confirmed_at
    columns = [count_of((at >= bounds[i]) & (at < bounds[i + 1])) for i in range(WEEKS)]
    row = session.execute(shared_sessions(user).with_only_columns(*columns)
                          .where(CoachingSession.rep_id.in_(ids), at >= bounds[0], at < bounds[-1])).one()
    return [{"week_start": start, "sessions": row[i]} for i, start in enumerate(starts)]
