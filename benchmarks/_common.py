"""Shared helpers for the benchmark scripts: a database with reps and tokens, stats, output."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(ROOT))

from models import Base, Team  # noqa: E402
from models.db import make_engine, make_sessionmaker  # noqa: E402
from service.api_tokens import issue_token  # noqa: E402
from service.world import add_person, create_organization  # noqa: E402

# Rate limits and budgets would refuse a benchmark's traffic; it measures the service, not them.
UNLIMITED = {"RATE_LIMIT_TURNS": "", "RATE_LIMIT_SESSION_STARTS": "", "MAX_TURNS_PER_SESSION": 0,
             "ORG_DAILY_TOKENS": 0}


@contextmanager
def database(url: str | None, postgres: bool):
    """The URL given; else a throwaway PostgreSQL server (--postgres); else a temporary SQLite."""
    if url:
        yield url
    elif postgres:
        from tests.pgserver import PostgresServer

        with PostgresServer() as pg_url:
            yield pg_url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"


def fresh_database(url: str) -> None:
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()


def seed_reps(url: str, count: int, label: str = "Bench") -> list[str]:
    """An organization with one team of `count` reps; returns one bearer token per rep."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        admin, _ = create_organization(s, f"{label} Corp", f"{label} Admin",
                                       f"admin@{label.lower()}.test")
        team = Team(org_id=admin.org_id, name="Team")
        s.add(team)
        tokens = []
        for n in range(count):
            rep = add_person(s, admin.org_id, "rep", f"Rep {n}", f"rep{n}@{label.lower()}.test",
                             team=team)
            tokens.append(issue_token(s, rep)[1])
        s.commit()
    engine.dispose()
    return tokens


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 3) if ms else None,
            "p95_ms": round(percentile(ms, 95), 3), "p99_ms": round(percentile(ms, 99), 3)}


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    data = {"benchmark": name, "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()}, **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path
