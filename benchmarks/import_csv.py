"""CSV import of 100,000 opportunity rows into SQLite and PostgreSQL: rows per second, seconds,
and peak memory (tracemalloc's peak of Python allocations during the import, and the process's
ru_maxrss), per database.

    .venv/bin/python benchmarks/import_csv.py [--rows 100000] [--only sqlite|postgresql]

Each database is measured in a child process of its own, so ru_maxrss is that import's. The
file is generated first (50 reps, 2,000 accounts imported before it, six stages); the timed
part is `run_job`: reading, mapping, upserting, committing per batch of 1,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta

from _common import ROOT, database, fresh_database, table, write_result

from models.db import make_engine, make_sessionmaker
from service.imports.csv_file import guess_mapping, read
from service.imports.run import create_job, run_job
from service.world import add_person, create_organization

REPS, ACCOUNTS = 50, 2000
STAGES = ["Prospecting", "Qualification", "Discovery", "Proposal", "Negotiation", "Closing"]
HEADER = ["Opportunity ID", "Opportunity Name", "Account ID", "Opportunity Owner", "Stage",
          "Amount", "Close Date", "Stage Date", "Probability"]


def write_files(directory: str, rows: int) -> tuple[str, str]:
    rng = random.Random(14)
    accounts = os.path.join(directory, "accounts.csv")
    with open(accounts, "w", newline="") as file:
        out = csv.writer(file)
        out.writerow(["Account ID", "Account Name", "Owner Email"])
        out.writerows([f"ACC-{n}", f"Account {n}", f"rep{n % REPS}@bench.test"] for n in range(ACCOUNTS))
    deals = os.path.join(directory, "opportunities.csv")
    start = date(2026, 1, 1)
    with open(deals, "w", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        for n in range(rows):
            account = rng.randrange(ACCOUNTS)
            out.writerow([f"OPP-{n}", f"Deal {n}", f"ACC-{account}", f"rep{account % REPS}@bench.test",
                          rng.choice(STAGES), f"{rng.randrange(1000, 500000)}.{rng.randrange(100):02d}",
                          (start + timedelta(days=rng.randrange(365))).isoformat(),
                          f"{(start + timedelta(days=rng.randrange(300))).isoformat()}T09:00:00Z",
                          rng.randrange(0, 101)])
    return accounts, deals


def _import(factory, org_id: int, kind: str, path: str):
    header, rows = read(path)
    rows.close()
    with factory() as session:
        job = create_job(session, org_id, kind, path, mapping=guess_mapping(kind, header))
    return run_job(factory, job.id)


def measure(url: str, rows: int, trace: bool) -> dict:
    """One database: the organization, the accounts, then the timed opportunity import."""
    fresh_database(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with tempfile.TemporaryDirectory() as tmp:
        accounts, deals = write_files(tmp, rows)
        with factory() as session:
            admin, _ = create_organization(session, "Bench Corp", "Bench Admin", "admin@bench.test")
            for n in range(REPS):
                add_person(session, admin.org_id, "rep", f"Rep {n}", f"rep{n}@bench.test")
            session.commit()
        assert _import(factory, admin.org_id, "accounts", accounts).created == ACCOUNTS
        if trace:
            tracemalloc.start()
        began = time.perf_counter()
        job = _import(factory, admin.org_id, "opportunities", deals)
        seconds = time.perf_counter() - began
        assert job.status == "done" and job.created == rows, (job.status, job.error, job.created)
        peak = tracemalloc.get_traced_memory()[1] if trace else None
    engine.dispose()
    return {"rows": rows, "status": job.status, "created": job.created, "rejected": job.rejected,
            "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds),
            "tracemalloc_peak_mib": round(peak / 2**20, 1) if peak is not None else None,
            "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def child(db: str, rows: int, trace: bool) -> None:
    with database(None, db == "postgresql") as url:
        print(json.dumps(measure(url, rows, trace)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.trace)
        return
    results = {}
    for db in [args.only] if args.only else ["sqlite", "postgresql"]:
        # timed without tracemalloc (it slows allocation-heavy code); its peak from a second run
        runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--child", db, "--rows", str(args.rows), *flags],
            check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1])
            for flags in ([], ["--trace"])]
        results[db] = {**runs[0], "tracemalloc_peak_mib": runs[1]["tracemalloc_peak_mib"],
                       "seconds_traced": runs[1]["seconds"]}
    print(table(["database", "rows", "created", "seconds", "rows/s", "tracemalloc peak MiB",
                 "ru_maxrss MiB"],
                [[db, r["rows"], r["created"], r["seconds"], r["rows_per_s"], r["tracemalloc_peak_mib"],
                  r["maxrss_mib"]] for db, r in results.items()]))
    print(f"written to {write_result('import_csv', {'results': results})}")


if __name__ == "__main__":
    main()
