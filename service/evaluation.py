"""`flask coach eval`: scripted conversations run through the real orchestration and Coach.

Each script builds its own throwaway in-memory SQLite database (one organization, one rep,
their figures, skills, deals and commitments), plays the rep's replies in order, ends the
session and reports whether the coach really coached. Dates in scripts are relative to today
(``months_ago``, ``due_in_days``...) so a due commitment is due whenever the script runs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.pool import StaticPool

from models import (
    Account,
    Base,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    Opportunity,
    SalesProcess,
    SkillAssessment,
    SkillRating,
    User,
    utcnow,
)
from models.db import make_engine, make_sessionmaker

from .cli import create_organization
from .coach import guard
from .sessions.claim import accept_message
from .sessions.ending import end_session
from .sessions.turn import create_session, open_session, run_turn

KPI = ("pipeline_count", "proposals", "deals_closed", "pipeline_value", "closed_value", "quota")


def _month_start(today: date, back: int) -> date:
    month = today.month - 1 - back
    return date(today.year + month // 12, month % 12 + 1, 1)


def build_world(s, script: dict, today: date) -> tuple[User, dict]:
    """The rep and their data from a script; returns (rep, {opportunity key: id})."""
    rep_info = script.get("rep", {})
    admin, _ = create_organization(s, "Eval Corp", "Eval Admin", "admin@eval.test")
    rep = User(org_id=admin.org_id, role="rep", name=rep_info.get("name", "Alex Rep"),
               email=rep_info.get("email", "rep@eval.test"))
    s.add(rep)
    s.flush()
    for period in script.get("figures", []):
        values = {k: (Decimal(str(period[k])) if k.endswith(("value", "quota")) else period[k])
                  for k in KPI if k in period}
        s.add(KpiSnapshot(org_id=rep.org_id, rep_id=rep.id, period_type="month",
                          period_start=_month_start(today, period.get("months_ago", 1)), **values))
    if script.get("skills"):
        s.add(SkillAssessment(org_id=rep.org_id, rep_id=rep.id, ratings=[
            SkillRating(skill=k["skill"], rating=k["rating"], note=k.get("note", ""))
            for k in script["skills"]]))
    stages = {st.name: st for st in s.scalar(
        select(SalesProcess).where(SalesProcess.org_id == rep.org_id)).stages}
    accounts, opportunities = {}, {}
    for item in script.get("opportunities", []):
        name = item.get("account", "Account")
        if name not in accounts:
            accounts[name] = Account(org_id=rep.org_id, owner_id=rep.id, name=name,
                                     segment=item.get("segment", ""))
            s.add(accounts[name])
            s.flush()
        stage = stages.get(item.get("stage", "Qualification")) or next(iter(stages.values()))
        opp = Opportunity(
            org_id=rep.org_id, account_id=accounts[name].id, owner_id=rep.id, stage_id=stage.id,
            name=item["name"], amount=Decimal(str(item.get("amount", "0"))),
            close_date=today + timedelta(days=item.get("close_in_days", 30)),
            next_step=item.get("next_step", ""), competitors=item.get("competitors", []),
            milestones_met=item.get("milestones_met", []),
            stage_entered_at=utcnow() - timedelta(days=item.get("days_in_stage", 5)))
        s.add(opp)
        s.flush()
        opportunities[item.get("key", item["name"])] = opp.id
    if script.get("commitments"):
        earlier = CoachingSession(org_id=rep.org_id, rep_id=rep.id, mode="weekly_review",
                                  status="confirmed", confirmed_at=utcnow(), summary="Earlier.")
        s.add(earlier)
        s.flush()
        for item in script["commitments"]:
            s.add(Commitment(org_id=rep.org_id, session_id=earlier.id, rep_id=rep.id,
                             confirmed=True, text=item["text"], measure=item.get("measure", ""),
                             kind=item.get("kind", "action"),
                             due_date=today + timedelta(days=item.get("due_in_days", 0))))
    s.commit()
    return rep, {"opportunities": opportunities,
                 "accounts": {k: v.id for k, v in accounts.items()}}


def run_script(path: Path, coach_factory) -> dict:
    """Play one script against a fresh in-memory database; the session's figures."""
    script = json.loads(Path(path).read_text(encoding="utf-8"))
    engine = make_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    sm = make_sessionmaker(engine)
    coach = coach_factory()
    today = utcnow().date()
    try:
        with sm() as s:
            rep, ids = build_world(s, script, today)
            target = script.get("session", {})
            row = create_session(
                s, coach, rep, script["mode"],
                opportunity_id=ids["opportunities"].get(target.get("opportunity")),
                account_id=ids["accounts"].get(target.get("account")), today=today)
            session_id = row.id
        _finish(open_session(sm, coach, session_id))
        for index, text in enumerate(script["replies"]):
            with sm() as s:
                row = s.get(CoachingSession, session_id)
                rep_message, _ = accept_message(s, row, text, f"eval-{index}")
                message_id = rep_message.id
            _finish(run_turn(sm, coach, session_id, message_id))
        end_session(sm, coach, session_id)
        with sm() as s:
            return figures(s.get(CoachingSession, session_id), Path(path).name, script)
    finally:
        engine.dispose()


def _finish(events) -> None:
    for name, data in events:
        if name == "error":
            raise RuntimeError(f"the coach failed: {data}") from data


def figures(row: CoachingSession, name: str, script: dict) -> dict:
    coach_texts = [m.text for m in row.messages if m.role == "coach"]
    one_question = sum(1 for t in coach_texts if guard.check(t).questions == 1)
    metrics = dict(row.metrics)
    return {"script": name, "mode": row.mode, **metrics,
            "one_question_turns": one_question,
            "due_commitments": len(script.get("commitments", [])),
            "transcript": [{"role": m.role, "stage": m.stage, "text": m.text,
                            "guard": m.guard_outcome} for m in row.messages],
            "summary": row.summary,
            "commitments": [{"text": c.text, "due_date": c.due_date and c.due_date.isoformat(),
                             "measure": c.measure, "kind": c.kind} for c in row.commitments]}


COLUMNS = [
    ("script", lambda r: r["script"]),
    ("turns", lambda r: str(r["coach_turns"])),
    ("q/turn", lambda r: f"{r['questions']}/{r['coach_turns']}={_num(r['questions_per_coach_turn'])}"),
    ("one q", lambda r: f"{r['one_question_turns']}/{r['coach_turns']}"),
    ("open q", lambda r: f"{r['open_questions']}/{r['coach_turns_with_question']}="
                         f"{_pct(r['open_question_share'])}"),
    ("telling", lambda r: f"{r['telling_count']} ({_pct(r['telling_rate'])})"),
    ("praise", lambda r: str(r["praise_count"])),
    ("rep words", lambda r: f"{r['rep_words']}/{r['rep_words'] + r['coach_words']}="
                            f"{_pct(r['rep_word_share'])}"),
    ("stages", lambda r: str(r["stages_covered_count"])),
    ("commit", lambda r: str(r["commitments_made"])),
    ("followed", lambda r: f"{r['due_followed_up']}/{r['due_commitments']}"),
]


def _num(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def table(rows: list[dict]) -> str:
    cells = [[name for name, _ in COLUMNS]] + [[fmt(r) for _, fmt in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
