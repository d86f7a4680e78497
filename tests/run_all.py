"""Run the whole suite: on SQLite, then on a throwaway PostgreSQL server when one is installed.

Called by `python3 dev.py test` (and so by .ci/run). Extra arguments go to pytest.
The SQLite run includes the real-model tests (tests/real_model/: a llama.cpp server and a small
model from the dev dependencies, about 2-3 minutes on two idle cores); REAL_MODEL_TESTS=0 leaves
them out, for a quick local run or a machine busy with other work (they slow to minutes a turn
when the cores are shared). Under CI=true a missing PostgreSQL server, Chromium or model package
is a failure, not a skip.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pgserver import PostgresServer, postgres_available  # noqa: E402


def pytest(args, env):
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main(argv):
    env = dict(os.environ)
    print("== test suite on SQLite ==", flush=True)
    chosen = ["-m", "not real_model"] if env.get("REAL_MODEL_TESTS") == "0" else []
    code = pytest(["-q", *chosen, *argv], env)
    if code != 0:
        return code
    if not postgres_available():
        print("PostgreSQL server not installed: the PostgreSQL run was skipped", flush=True)
        return 1 if os.environ.get("CI") == "true" else 0
    with PostgresServer() as url:
        print(f"== test suite on PostgreSQL ({url}) ==", flush=True)
        # Browser and real-model tests drive the same pages and model calls again; the database
        # layer is what differs, and the SQLite run has played them.
        code = pytest(["-q", "-m", "not browser and not real_model", *argv],
                      dict(env, TEST_DATABASE_URL=url))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
