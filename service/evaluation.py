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

from sqlalchemy.pool import StaticPool

from models import KPI_FIELDS, Base, CoachingSession, User, utcnow
from models.db import make_engine, make_sessionmaker

from .coach import guard
from .sessions.claim import accept_message
from .sessions.ending import end_session
from .sessions.turn import create_session, open_session, run_turn
from .world import (
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
    """The rep and their data from a script; returns (rep, {opportunity key: id})."""
    rep_info = script.get("rep", {})
    admin, _ = create_organization(s, "Eval Corp", "Eval Admin", "admin@eval.test")
    rep = add_person(s, admin.org_id, "rep", rep_info.get("name", "Alex Rep"),
                     rep_info.get("email", "rep@eval.test"))
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
    if script.get("commitments"):
        past_session(s, rep.org_id, rep.id, mode="weekly_review", status="confirmed",
                     confirmed_at=utcnow(), summary="Earlier.", commitments=[{
                         "text": item["text"], "measure": item.get("measure", ""),
                         "kind": item.get("kind", "action"),
                         "due_date": today + timedelta(days=item.get("due_in_days", 0))}
                         for item in script["commitments"]])
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
