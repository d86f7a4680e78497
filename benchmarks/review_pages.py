"""How fast are the manager review pages with a big history? Seeds, then times every page.

    .venv/bin/python benchmarks/review_pages.py                 # 50,000 sessions, 1,000,000 messages
    .venv/bin/python benchmarks/review_pages.py --sessions 5000 --messages 100000 --db sqlite

Seeds one organization (two teams of ten reps; the measured manager leads one team, so sees half
the history) with bulk inserts, then requests each review page and list endpoint through the
Flask test client (in process, no network) and prints the median and p95 time and the number of
SQL queries of each. Runs on SQLite and, when installed, on a throwaway PostgreSQL server.
Writes benchmarks/results/review_pages.json.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from models import (  # noqa: E402
    Base,
    CoachingSession,
    Commitment,
    CommitmentStatusChange,
    ManagerNote,
    Message,
    SessionAssignment,
    Team,
    WebhookDelivery,
)
from models.db import make_engine, make_sessionmaker  # noqa: E402
from service.world import (  # noqa: E402
    account_with_deals,
    add_person,
    create_organization,
    monthly_figures,
    skills,
    stages_of,
)

PASSWORD = "bench-password-1"
REPS_PER_TEAM = 10
WORDS = ["pipeline", "quota", "discovery", "procurement", "signature", "prospecting", "budget",
         "champion", "renewal", "forecast", "competitor", "timeline", "stakeholder", "agenda"]


def seed(url: str, sessions: int, messages: int) -> dict:
    """Bulk-insert the history; returns ids the pages need."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    db = make_sessionmaker(engine)()
    admin, _ = create_organization(db, "Bench Corp", "Bench Admin", "admin@bench.test")
    org_id = admin.org_id
    pw = generate_password_hash(PASSWORD)
    admin.password_hash = pw
    teams = [Team(org_id=org_id, name=n) for n in ("Team A", "Team B")]
    db.add_all(teams)
    manager = add_person(db, org_id, "manager", "Bench Manager", "manager@bench.test",
                         password_hash=pw, leads=[teams[0]])
    reps = [add_person(db, org_id, "rep", f"Rep {t}{i:02d}", f"rep{t}{i}@bench.test", team=teams[t])
            for t in range(2) for i in range(REPS_PER_TEAM)]
    db.flush()
    stages = stages_of(db, org_id)
    now = datetime.now(UTC)
    opps = []
    for n, rep in enumerate(reps):
        opps += account_with_deals(db, org_id, rep.id, f"Account {n}", *[{
            "stage_id": stages[k % len(stages)].id, "name": f"Deal {n}-{k}",
            "amount": Decimal("25000.00"), "stage_entered_at": now - timedelta(days=3 * k + n % 7)}
            for k in range(10)])
        monthly_figures(db, org_id, rep.id, now.date(), {m: {
            "closed_value": Decimal(40000 + 1000 * ((n * m) % 9)),
            "pipeline_value": Decimal(150000 - 2000 * m), "quota": Decimal(50000),
            "deals_closed": 2 + m % 3, "pipeline_count": 8, "proposals": 3} for m in range(6)})
        for days in (60, 10):
            skills(db, org_id, rep.id, {s: 2 + (days < 30) + i % 2 for i, s in enumerate(
                ("discovery", "closing", "negotiating"))}, created_at=now - timedelta(days=days))
    db.commit()
    rep_ids = [r.id for r in reps]
    opp_by_rep = {}
    for o in opps:
        opp_by_rep.setdefault(o.owner_id, []).append(o.id)
    ids = {"manager": manager.id, "admin": admin.id, "rep_ids": rep_ids}
    db.close()
    _bulk(engine, org_id, rep_ids, opp_by_rep, sessions, messages, manager.id, now)
    engine.dispose()
    return ids


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _bulk(engine, org_id, rep_ids, opp_by_rep, sessions, messages, manager_id, now):
    started = time.perf_counter()
    per_session = max(messages // sessions, 2)
    metrics = {"rep_word_share": 0.62, "telling_count": 0, "questions_per_coach_turn": 1.0,
               "open_question_share": 0.9, "rep_turns": per_session // 2}
    session_rows, message_rows, commitment_rows = [], [], []
    for i in range(sessions):
        rep = rep_ids[i % len(rep_ids)]
        start = now - timedelta(minutes=17 * (sessions - i))
        confirmed = i % 10 != 0
        session_rows.append({
            "id": i + 1, "org_id": org_id, "rep_id": rep, "mode": ("weekly_review", "opportunity",
                                                                    "call_debrief")[i % 3],
            "opportunity_id": opp_by_rep[rep][i % 10], "account_id": None,
            "status": "confirmed" if confirmed else "ended", "engine": "guided", "stage": "support",
            "state": {}, "started_at": start, "ended_at": start + timedelta(minutes=12),
            "confirmed_at": start + timedelta(minutes=14) if confirmed else None,
            "summary": f"Session {i}: the rep reviewed {WORDS[i % 14]} and {WORDS[(i * 5) % 14]}.",
            "help_asked": "A call with the sponsor." if i % 7 == 0 else "", "metrics": metrics,
            "reviewed_at": start + timedelta(days=1) if i % 3 == 0 else None,
            "reviewed_by_id": manager_id if i % 3 == 0 else None,
        })
        for k in range(2):
            commitment_rows.append({
                "id": len(commitment_rows) + 1, "org_id": org_id, "session_id": i + 1, "rep_id": rep,
                "opportunity_id": None,
                "text": f"Follow up on {WORDS[(i + k) % 14]}", "due_date": (start + timedelta(days=7)).date(),
                "measure": "", "kind": "action", "status": ("open", "done", "dropped")[(i + k) % 3],
                "confirmed": confirmed, "outcome_note": "", "created_at": start,
            })
    for j in range(messages):
        sid = j // per_session % sessions + 1
        role = ("coach", "rep")[j % 2]
        message_rows.append({
            "session_id": sid, "role": role, "stage": ("acknowledge", "explore", "plan", "commit")[j % 4],
            "text": (f"What changed in your {WORDS[j % 14]} since last time?" if role == "coach" else
                     f"I spent the week on {WORDS[(j * 3) % 14]} and {WORDS[(j * 7) % 14]}, turn {j}."),
            "created_at": now - timedelta(seconds=messages - j), "client_message_id": None,
            "reply_to_id": None, "prompt_tokens": 0, "completion_tokens": 0, "guard_outcome": "",
            "guard_reasons": [],
        })
    with engine.begin() as conn:
        for chunk in _chunks(session_rows, 5000):
            conn.execute(insert(CoachingSession.__table__), chunk)
        for chunk in _chunks(commitment_rows, 10000):
            conn.execute(insert(Commitment.__table__), chunk)
        for chunk in _chunks(message_rows, 20000):
            conn.execute(insert(Message.__table__), chunk)
        conn.execute(insert(ManagerNote.__table__), [
            {"session_id": s, "author_id": manager_id, "text": "Ask about the next step.",
             "created_at": now, "updated_at": now} for s in range(2, sessions, 97)])
        # what managers do from the pages: a status with a note on every fifth confirmed
        # commitment, an assignment for every tenth session
        conn.execute(insert(CommitmentStatusChange.__table__), [
            {"commitment_id": c["id"], "changed_by_id": manager_id, "from_status": "open",
             "to_status": c["status"], "note": "Agreed in the 1:1.", "changed_at": now}
            for c in commitment_rows[::5] if c["confirmed"]])
        conn.execute(insert(SessionAssignment.__table__), [
            {"org_id": org_id, "rep_id": r["rep_id"], "assigned_by_id": manager_id, "mode": r["mode"],
             "opportunity_id": r["opportunity_id"], "due_date": r["started_at"].date(),
             "note": "Debrief the call", "status": "done" if r["confirmed_at"] else "open",
             "session_id": r["id"] if r["confirmed_at"] else None, "created_at": r["started_at"]}
            for r in session_rows[::10]])
        conn.execute(insert(WebhookDelivery.__table__), [
            {"org_id": org_id, "session_id": s, "url": "https://hooks.example.test", "status": "delivered",
             "attempts": 1, "last_error": "", "next_attempt_at": now, "created_at": now}
            for s in range(2, sessions, 11)])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  seeded {sessions:,} sessions, {messages:,} messages, {len(commitment_rows):,} commitments "
          f"in {time.perf_counter() - started:.1f}s", flush=True)


def measure(url: str, ids: dict, repeat: int) -> list[dict]:
    from service import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench", "DEMO_DATA": False,
                      "COACH_ENGINE": "guided"})
    engine = app.extensions["db"]["engine"]
    queries = [0]
    event.listen(engine, "before_cursor_execute", lambda *a: queries.__setitem__(0, queries[0] + 1))
    with engine.connect() as conn:
        sid = conn.execute(select(CoachingSession.id).where(
            CoachingSession.status == "confirmed", CoachingSession.rep_id == ids["rep_ids"][1])
            .order_by(CoachingSession.confirmed_at.desc()).limit(1)).scalar()
    clients = {}
    for who, email in (("manager", "manager@bench.test"), ("admin", "admin@bench.test")):
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/review/login").text).group(1)
        assert client.post("/review/login", data={"email": email, "password": PASSWORD,
                                                  "csrf_token": token}).status_code == 302
        clients[who] = client
    day = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    rep = ids["rep_ids"][1]
    pages = [
        ("manager", "/review/"), ("manager", "/review/ask-now"), ("manager", "/review/sessions"),
        ("manager", f"/review/sessions?rep_id={rep}&reviewed=no"), ("manager", "/review/sessions?page=400"),
        ("manager", "/review/sessions?q=stakeholder"), ("manager", "/review/sessions?q=turn+987654"),
        ("manager", f"/review/sessions/{sid}"),
        ("manager", "/review/commitments"), ("manager", f"/review/sessions/{sid}/export?format=md"),
        ("manager", f"/review/export?date_from={day}&date_to={day}&format=json"),
        ("manager", f"/review/export/sessions.csv?date_from={day}&date_to={day}"),
        ("manager", "/review/export/commitments.csv?status=overdue"), ("manager", "/review/export/kpis.csv"),
        ("manager", f"/review/reps/{rep}"), ("manager", "/review/results"),
        ("admin", "/review/"), ("admin", "/review/sessions"), ("admin", "/review/webhooks"),
        ("admin", "/review/nudges"), ("admin", "/review/results"),
    ]
    results = []
    for who, path in pages:
        client = clients[who]
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        times = []
        for _ in range(repeat):
            queries[0] = 0
            t0 = time.perf_counter()
            client.get(path).get_data()  # a streamed CSV is read while its body is sent
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        results.append({"who": who, "path": path, "median_ms": round(statistics.median(times), 1),
                        "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
                        "queries": queries[0]})
        print(f"  {who:<8} {path:<58} median {results[-1]['median_ms']:>8.1f} ms   "
              f"p95 {results[-1]['p95_ms']:>8.1f} ms   {queries[0]:>2} queries", flush=True)
    engine.dispose()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    report = {"sessions": args.sessions, "messages": args.messages, "repeat": args.repeat,
              "run_at": datetime.now(UTC).isoformat(), "databases": {}}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            print("SQLite", flush=True)
            report["databases"]["sqlite"] = measure(url, seed(url, args.sessions, args.messages), args.repeat)
    if args.db in ("postgres", "both"):
        from tests.pgserver import PostgresServer, postgres_available

        if postgres_available():
            with PostgresServer() as url:
                print("PostgreSQL", flush=True)
                report["databases"]["postgresql"] = measure(
                    url, seed(url, args.sessions, args.messages), args.repeat)
        else:
            print("PostgreSQL not installed: skipped")
    out = ROOT / "benchmarks" / "results" / "review_pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
