"""The rep's context for a session, built with SQLAlchemy queries only (no app or request).

Every query is filtered by the rep, and an opportunity or account that is not the rep's own
answers 404 (access.get_own) rather than leaking another rep's data into a prompt. Money goes
out as strings, dates as ISO strings, so the dict is JSON-able and can be stored with the
session state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    Message,
    Opportunity,
    Organization,
    SkillAssessment,
    User,
)
from service.coach import Mode, load_modes

from ..access import get_own
from ..coach.language import DEFAULT, ENGLISH, Language
from ..coach.language import get as get_language
from ..coach.language.session import period_label

METRICS = ("pipeline_count", "proposals", "deals_closed", "pipeline_value", "closed_value",
           "quota", "attainment")
MAX_PERIODS = 4


def _json_money(value) -> str:
    """Money for the stored context: an exact two-decimal string (JSON has no decimals)."""
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _values(s: KpiSnapshot) -> dict:
    attainment = round(float(s.closed_value) / float(s.quota) * 100, 1) if s.quota else None
    return {"pipeline_count": s.pipeline_count, "proposals": s.proposals,
            "deals_closed": s.deals_closed, "pipeline_value": _json_money(s.pipeline_value),
            "closed_value": _json_money(s.closed_value), "quota": _json_money(s.quota),
            "attainment": attainment}


def _metric(value, previous) -> dict:
    change = None
    if value is not None and previous not in (None, 0) and float(previous) != 0:
        change = round((float(value) - float(previous)) / float(previous) * 100, 1)
    return {"value": value, "previous": previous, "change_pct": change}


def periods(db, rep_id: int, lang: Language = ENGLISH) -> tuple[list[dict], str]:
    latest = db.scalars(select(KpiSnapshot).where(KpiSnapshot.rep_id == rep_id)
                        .order_by(KpiSnapshot.period_start.desc()).limit(1)).first()
    if latest is None:
        return [], ""
    rows = db.scalars(select(KpiSnapshot).where(
        KpiSnapshot.rep_id == rep_id, KpiSnapshot.period_type == latest.period_type)
        .order_by(KpiSnapshot.period_start.desc()).limit(MAX_PERIODS + 1)).all()
    out = []
    for i, row in enumerate(rows[:MAX_PERIODS]):
        now = _values(row)
        before = _values(rows[i + 1]) if i + 1 < len(rows) else {}
        out.append({"label": period_label(row.period_start, row.period_type, lang),
                    "start": row.period_start.isoformat(), "type": row.period_type,
                    "metrics": {m: _metric(now[m], before.get(m)) for m in METRICS}})
    return out, latest.currency


def skills_audit(db, rep_id: int) -> dict | None:
    rows = db.scalars(select(SkillAssessment).where(SkillAssessment.rep_id == rep_id)
                      .order_by(SkillAssessment.created_at.desc(), SkillAssessment.id.desc())
                      .limit(2)).all()
    if not rows:
        return None

    def one(a):
        return {"date": a.created_at.date().isoformat(), "ratings": [
            {"skill": r.skill, "rating": r.rating, "note": r.note} for r in a.ratings]}

    return {"latest": one(rows[0]), "previous": one(rows[1]) if len(rows) > 1 else None}


def opportunity(db, rep: User, opportunity_id: int, now: datetime) -> dict:
    opp = get_own(db, Opportunity, opportunity_id, rep, "opportunity")
    met = set(opp.milestones_met or [])
    return {
        "id": opp.id, "name": opp.name, "account": opp.account.name,
        "amount": _json_money(opp.amount), "currency": opp.currency, "stage": opp.stage.name,
        "days_in_stage": opp.days_in_stage(now), "benchmark_days": opp.stage.benchmark_days,
        "stalled": opp.is_stalled(now), "status": opp.status,
        "close_date": opp.close_date.isoformat() if opp.close_date else None,
        "milestones": [{"name": m, "met": m in met} for m in (opp.stage.milestones or [])],
        "next_step": opp.next_step, "competitors": list(opp.competitors or []),
        "stage_history": [{"stage": h.to_stage.name, "date": h.changed_at.date().isoformat()}
                          for h in opp.history],
    }


def account(db, rep: User, account_id: int, today: date) -> dict:
    acc = get_own(db, Account, account_id, rep, "account")
    mine = [o for o in acc.opportunities if o.owner_id == rep.id]
    open_ = [o for o in mine if o.status == "open"]
    won = [o for o in mine if o.status == "won" and o.updated_at.year == today.year]
    return {"id": acc.id, "name": acc.name, "industry": acc.segment, "territory": acc.territory,
            "open_opportunities": len(open_),
            "open_value": _json_money(sum((o.amount for o in open_), Decimal(0))),
            "won_value": _json_money(sum((o.amount for o in won), Decimal(0))),
            "opportunities": [{"id": o.id, "name": o.name, "amount": _json_money(o.amount),
                               "stage": o.stage.name} for o in open_[:10]]}


def pre_call(db, rep_id: int, opportunity_id: int, modes: dict[str, Mode]) -> dict | None:
    """What the rep said in the stages a mode remembers (``remember = "name"``), from their
    latest session of that mode on this deal: ``{"date", name: [answers]}``."""
    # load_modes lets only one mode remember
    mode = next((m for m in modes.values() if any(s.remember for s in m.stages)), None)
    if mode is None:
        return None
    session = db.scalars(select(CoachingSession).where(
        CoachingSession.rep_id == rep_id, CoachingSession.opportunity_id == opportunity_id,
        CoachingSession.mode == mode.key)
        .order_by(CoachingSession.started_at.desc()).limit(1)).first()
    if session is None:
        return None
    said = {stage.remember: list(db.scalars(select(Message.text).where(
        Message.session_id == session.id, Message.role == "rep",
        Message.stage == stage.key).order_by(Message.id)).all())
        for stage in mode.stages if stage.remember}
    return {"date": session.started_at.date().isoformat(), **said} \
        if any(said.values()) else None


def open_commitments(db, rep_id: int) -> list[dict]:
    rows = db.scalars(select(Commitment).where(
        Commitment.rep_id == rep_id, Commitment.status == "open", Commitment.confirmed.is_(True))
        .order_by(func.coalesce(Commitment.due_date, date.max), Commitment.id).limit(20)).all()
    return [{"id": c.id, "text": c.text, "due_date": c.due_date.isoformat() if c.due_date else None,
             "measure": c.measure, "kind": c.kind, "opportunity_id": c.opportunity_id}
            for c in rows]


def build_context(db, rep_id: int, *, opportunity_id: int | None = None,
                  account_id: int | None = None, today: date | None = None,
                  language: str = "", language_source: str = "locale",
                  modes: dict[str, Mode] | None = None) -> dict:
    """The session's context; ``language`` (a code: the user's locale, or one chosen, said by
    ``language_source``) words its period labels and is recorded for the coach, which speaks
    it; '' for not set: English until the rep's messages tell (coach/language/session.py).
    ``modes`` (default: the shipped ones) say which earlier answers on the deal are
    remembered."""
    today = today or datetime.now(UTC).date()
    now = datetime.combine(today, datetime.max.time(), tzinfo=UTC)
    rep = db.get(User, rep_id)
    if rep is None:
        raise LookupError(f"no rep {rep_id}")
    org = db.get(Organization, rep.org_id)
    code = language or DEFAULT
    figures, currency = periods(db, rep_id, get_language(code))
    context = {
        "today": today.isoformat(), "language": code,
        "language_source": language_source if language else "default",
        "rep": {"id": rep.id, "name": rep.name},
        "currency": currency, "periods": figures, "skills_audit": skills_audit(db, rep_id),
        "skills": list(org.skills or []) if org else [],
        "opportunity": None, "account": None, "pre_call": None,
        "commitments": open_commitments(db, rep_id),
    }
    if opportunity_id is not None:
        context["opportunity"] = opportunity(db, rep, opportunity_id, now)
        context["pre_call"] = pre_call(db, rep_id, opportunity_id,
                                       modes if modes is not None else load_modes())
    if account_id is not None:
        context["account"] = account(db, rep, account_id, today)
    return context
