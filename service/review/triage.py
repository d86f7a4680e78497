"""Which rep needs a question first: the signals of need, their weight and the words on the card.

Stalled deals, overdue commitments, figures that dropped, help asked and no coaching lately.
The dashboard orders its cards by the sum of the weights below and says each signal on the card,
so the order is never a mystery; Ask now lists the same signals one by one.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from models import Opportunity, SalesProcess, Stage

HELP_DAYS = 30  # help asked in a session confirmed this recently still wants an answer
QUIET_DAYS = 14  # no confirmed session for this long: time to coach
# A drop worth a question: closed value down 10% or more, pipeline value down 15% or more.
DROPS = {"closed_value": (-10.0, "closed value"), "pipeline_value": (-15.0, "pipeline value")}
# A rep's own request outweighs what the figures say; a quiet spell alone weighs least. Overdue
# commitments and stalled deals count each, up to COUNTED of them.
WEIGHTS = {"help_asked": 3, "overdue_commitment": 2, "stalled_opportunity": 2, "kpi_drop": 2,
           "no_coaching": 1}
COUNTED = 3


def org_stages(session: Session, org_id: int) -> list[Stage]:
    return session.scalars(select(Stage).join(SalesProcess)
                           .where(SalesProcess.org_id == org_id)).all()


def past_benchmark(stages: list[Stage], now: datetime):
    """The condition of an opportunity longer in its stage than the stage's benchmark."""
    return or_(*[and_(Opportunity.stage_id == s.id,
                      Opportunity.stage_entered_at < now - timedelta(days=s.benchmark_days))
                 for s in stages])


def stalled_by_rep(session: Session, org_id: int, rep_ids: list[int], now: datetime) -> dict[int, dict]:
    """Per rep: how many open deals are past their stage's benchmark, and the one furthest past.

    Three queries whatever the pipeline's size: the stages, the count per rep and stage (with the
    oldest entry), and the names of each rep's worst deal."""
    stages = org_stages(session, org_id)
    if not stages or not rep_ids:
        return {}
    by_id = {s.id: s for s in stages}
    open_past = (Opportunity.org_id == org_id, Opportunity.status == "open",
                 Opportunity.owner_id.in_(rep_ids), past_benchmark(stages, now))
    grouped = session.execute(select(Opportunity.owner_id, Opportunity.stage_id, func.count(),
                                     func.min(Opportunity.stage_entered_at))
                              .where(*open_past).group_by(Opportunity.owner_id, Opportunity.stage_id))
    out: dict[int, dict] = {}
    for rep_id, stage_id, count, entered in grouped:
        stage = by_id[stage_id]
        over = (now - entered).days - stage.benchmark_days
        mine = out.setdefault(rep_id, {"count": 0, "over": -1})
        mine["count"] += count
        if over > mine["over"]:
            mine.update(over=over, stage=stage, entered=entered)
    names = {}
    if out:
        worst = or_(*[and_(Opportunity.owner_id == rep_id, Opportunity.stage_id == w["stage"].id,
                           Opportunity.stage_entered_at == w["entered"]) for rep_id, w in out.items()])
        for rep_id, name in session.execute(select(Opportunity.owner_id, Opportunity.name)
                                            .where(*open_past, worst).order_by(Opportunity.id)):
            names.setdefault(rep_id, name)
    return {rep_id: {"count": w["count"], "name": names.get(rep_id, "A deal"), "stage": w["stage"].name,
                     "days": (now - w["entered"]).days, "benchmark": w["stage"].benchmark_days}
            for rep_id, w in out.items()}


def drops(kpi: dict | None) -> list[tuple[str, dict, str]]:
    """(field, figure, label) of each figure that fell past its threshold on the month before."""
    if not kpi:
        return []
    return [(field, kpi["figures"][field], label) for field, (threshold, label) in DROPS.items()
            if kpi["figures"][field]["change_pct"] is not None
            and kpi["figures"][field]["change_pct"] <= threshold]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _days_ago(moment: datetime, now: datetime, zone) -> int:
    """Calendar days between two moments where the organization is: yesterday 23:00 is 1."""
    return (now.astimezone(zone).date() - moment.astimezone(zone).date()).days


def need(row: dict, stalled: dict | None, recent: list, now: datetime, zone) -> dict:
    """The signals of one rep's dashboard row, heaviest first, each worded for the card; their
    weights' sum orders the cards."""
    signals = []
    help_session = next((s for s in recent if s.help_asked
                         and s.confirmed_at >= now - timedelta(days=HELP_DAYS)), None)
    if help_session:
        ago = _days_ago(help_session.confirmed_at, now, zone)
        when = "today" if ago == 0 else f"{_plural(ago, 'day')} ago"
        signals.append(("help_asked", WEIGHTS["help_asked"], f"Asked for your help {when}"))
    overdue = row["commitments"]["overdue"]
    if overdue:
        signals.append(("overdue_commitment", WEIGHTS["overdue_commitment"] * min(overdue, COUNTED),
                        _plural(overdue, "overdue commitment")))
    if stalled:
        more = stalled["count"] - 1
        weight = WEIGHTS["stalled_opportunity"] * min(stalled["count"], COUNTED)
        signals.append(("stalled_opportunity", weight,
                        f"{stalled['name']} {stalled['days']} days in {stalled['stage']} "
                        f"(benchmark {stalled['benchmark']})"
                        + (f" and {_plural(more, 'more stalled deal')}" if more else "")))
    for _field, figure, label in drops(row["kpis"]):
        signals.append(("kpi_drop", WEIGHTS["kpi_drop"],
                        f"{label.capitalize()} down {abs(figure['change_pct']):g}%"))
    last = row["sessions"]["last_at"]
    if last is None:
        signals.append(("no_coaching", WEIGHTS["no_coaching"], "No coaching session yet"))
    elif _days_ago(last, now, zone) >= QUIET_DAYS:
        signals.append(("no_coaching", WEIGHTS["no_coaching"],
                        f"No coaching in {_days_ago(last, now, zone)} days"))
    signals.sort(key=lambda s: -s[1])
    return {"score": sum(s[1] for s in signals),
            "signals": [{"kind": kind, "weight": weight, "text": text} for kind, weight, text in signals],
            "reason": " · ".join(s[2] for s in signals) or "Nothing needs a question now"}


def by_need(rows: list[dict]) -> list[dict]:
    """Cards in order of need, then by name (a stable order among equals)."""
    return sorted(rows, key=lambda r: (-r["need"]["score"], r["rep"]["name"].lower(), r["rep"]["id"]))
