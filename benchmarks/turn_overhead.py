"""Turn overhead: what a coaching turn costs the service beyond a minimal request.

A coaching turn (POST /api/v1/sessions/<id>/messages, JSON) through the real app with a
zero-latency fake model, against a floor endpoint in the same app that only authenticates,
validates the same body, writes one row and returns. The floor exists only in this script's
app, never in production routes. Prints median and p99 of both and their ratio (goal: <= 1.5x).

    .venv/bin/python benchmarks/turn_overhead.py [--turns 400] [--postgres | --database-url URL]
"""

from __future__ import annotations

import argparse
import time

from _common import UNLIMITED, database, fresh_database, seed_reps, summary_ms, table, write_result
from flask import g, request
from sqlalchemy import event

from models import CoachingSession, Message
from service import create_app
from service.api.session_schemas import MessageInSchema
from service.auth import authenticate
from service.coach import FakeEngine
from service.db import db

REPLY = "So the pricing call moved to Thursday. What would make call {n} go the way you want?"


def reply(turn) -> str:
    """A reply as long as a real one, its question new each turn (the guard rejects a repeat)."""
    return REPLY.format(n=turn.turn_index)
TEXT = "The pricing call slipped to Thursday because the CFO was travelling; I still think we win."
TURNS_PER_SESSION = 25


def add_floor(app) -> None:
    """The floor: authenticate, validate the same body as a turn, write one row, answer."""

    def floor():
        authenticate()
        data = MessageInSchema().load(request.get_json())
        row = db.session.get(CoachingSession, app.config["FLOOR_SESSION_ID"])
        db.session.add(Message(session_id=row.id, role="rep", text=data["text"],
                               client_message_id=data["client_message_id"]))
        db.session.commit()
        return {"id": g.user.id}

    app.add_url_rule("/bench/floor", "bench_floor", floor, methods=["POST"])


def build(url: str):
    fresh_database(url)
    (token,) = seed_reps(url, 1)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "COACH_ENGINE_INSTANCE": FakeEngine(default=reply, chunks=1), **UNLIMITED})
    add_floor(app)
    return app, token


def run(url: str, turns: int, warmup: int) -> dict:
    app, token = build(url)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def new_session() -> int:
        # new: one rep starts a session every TURNS_PER_SESSION turns, leaving the last active
        response = client.post("/api/v1/sessions", json={"mode": "weekly_review", "new": True},
                               headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    app.config["FLOOR_SESSION_ID"] = new_session()
    statements = {"now": 0}
    event.listen(app.extensions["db"]["engine"], "before_cursor_execute",
                 lambda *_a: statements.__setitem__("now", statements["now"] + 1))
    counts = {"floor": 0, "turn": 0}
    floor_times, turn_times, session_id = [], [], None
    deadline = time.monotonic() + 600
    for n in range(warmup + turns):
        if time.monotonic() > deadline:
            break
        if n % TURNS_PER_SESSION == 0:
            session_id = new_session()
        body = {"text": TEXT, "client_message_id": f"m{n}"}
        before, started = statements["now"], time.perf_counter()
        floor = client.post("/bench/floor", json=body, headers=headers)
        floor_elapsed, floor_sql = time.perf_counter() - started, statements["now"] - before
        before, started = statements["now"], time.perf_counter()
        turn = client.post(f"/api/v1/sessions/{session_id}/messages", json=body, headers=headers)
        turn_elapsed, turn_sql = time.perf_counter() - started, statements["now"] - before
        assert floor.status_code == 200 and turn.status_code == 200, turn.get_json()
        if n >= warmup:
            floor_times.append(floor_elapsed)
            turn_times.append(turn_elapsed)
            counts["floor"] += floor_sql
            counts["turn"] += turn_sql
    app.extensions["db"]["engine"].dispose()
    floor_s, turn_s = summary_ms(floor_times), summary_ms(turn_times)
    floor_s["sql_per_request"] = round(counts["floor"] / max(1, len(floor_times)), 1)
    turn_s["sql_per_request"] = round(counts["turn"] / max(1, len(turn_times)), 1)
    return {"floor": floor_s, "turn": turn_s,
            "ratio_median": round(turn_s["median_ms"] / floor_s["median_ms"], 2),
            "ratio_p99": round(turn_s["p99_ms"] / floor_s["p99_ms"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with database(args.database_url, args.postgres) as url:
        result = run(url, args.turns, args.warmup)
    result["database"] = url.split(":", 1)[0]
    rows = [[name, result[name]["n"], result[name]["median_ms"], result[name]["p99_ms"],
             result[name]["sql_per_request"]] for name in ("floor", "turn")]
    rows.append(["turn / floor", "", f"{result['ratio_median']}x", f"{result['ratio_p99']}x", ""])
    print(table(["request", "n", "median ms", "p99 ms", "SQL statements"], rows))
    print(f"written to {write_result('turn_overhead', result)}")


if __name__ == "__main__":
    main()
