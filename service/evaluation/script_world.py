"""The world a script describes: one organization, one rep, their figures, skills, deals and
the commitments now due, in the caller's (throwaway) database. Dates are relative to ``today``
(``months_ago``, ``due_in_days``...) so a due commitment is due whenever the script runs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import KPI_FIELDS, Commitment, User, utcnow

from ..world import (
    add_account,
    add_deal,
    add_person,
    create_organization,
    monthly_figures,
    past_session,
    skills,
    stages_of,
)


def build_world(s, script: dict, today: date) -> tuple[User, dict]:
    """The rep and their data; returns (rep, {"opportunities"|"accounts": {key: id},
    "due": [commitment ids, in the script's order]})."""
    rep_info = script.get("rep", {})
    admin, _ = create_organization(s, "Eval Corp", "Eval Admin", "admin@eval.test")
    rep = add_person(s, admin.org_id, "rep", rep_info.get("name", "Alex Rep"),
                     rep_info.get("email", "rep@eval.test"))
    rep.locale = rep_info.get("locale", "")  # the language the rep's sessions start in
    s.flush()
    monthly_figures(s, rep.org_id, rep.id, today, {period.get("months_ago", 1): {
        k: (Decimal(str(period[k])) if k.endswith(("value", "quota")) else period[k])
        for k in KPI_FIELDS if k in period} for period in script.get("figures", [])})
    if script.get("skills"):
        skills(s, rep.org_id, rep.id, {k["skill"]: (k["rating"], k.get("note", ""))
                                       for k in script["skills"]})
    stages = {st.name: st for st in stages_of(s, rep.org_id)}
    accounts, opportunities = {}, {}
    for item in script.get("opportunities", []):
        name = item.get("account", "Account")
        if name not in accounts:
            accounts[name] = add_account(s, rep.org_id, rep.id, name,
                                         segment=item.get("segment", ""))
            s.flush()
        stage = stages.get(item.get("stage", "Qualification")) or next(iter(stages.values()))
        opp = add_deal(
            s, accounts[name], stage_id=stage.id, name=item["name"],
            amount=Decimal(str(item.get("amount", "0"))),
            close_date=today + timedelta(days=item.get("close_in_days", 30)),
            next_step=item.get("next_step", ""), competitors=item.get("competitors", []),
            milestones_met=item.get("milestones_met", []),
            stage_entered_at=utcnow() - timedelta(days=item.get("days_in_stage", 5)))
        s.flush()
        opportunities[item.get("key", item["name"])] = opp.id
    due = []
    if script.get("commitments"):
        earlier = past_session(
            s, rep.org_id, rep.id, mode="weekly_review", status="confirmed",
            confirmed_at=utcnow(), summary="Earlier.", commitments=[{
                "text": item["text"], "measure": item.get("measure", ""),
                "kind": item.get("kind", "action"),
                "due_date": today + timedelta(days=item.get("due_in_days", 0))}
                for item in script["commitments"]])
        s.flush()
        due = list(s.scalars(select(Commitment.id).where(
            Commitment.session_id == earlier.id).order_by(Commitment.id)))
    s.commit()
    return rep, {"opportunities": opportunities, "due": due,
                 "accounts": {k: v.id for k, v in accounts.items()}}
