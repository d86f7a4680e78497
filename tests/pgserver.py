"""A throwaway PostgreSQL cluster on loopback for tests and benchmarks.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else (
        os.path.dirname(shutil.which("initdb")) if shutil.which("initdb") else None)


def postgres_available() -> bool:
    return _bin_dir() is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin = _bin_dir()
        self.dir = tempfile.mkdtemp(prefix="salescoach-pg-")
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args):
        cmd = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def __enter__(self) -> str:
        if self.as_root:
            shutil.chown(self.dir, "postgres")
        data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._run("pg_ctl", "-D", data, "-w", "-l", os.path.join(self.dir, "log"),
                  "-o", f"-k {self.dir} -p {self.port} -h 127.0.0.1 -c fsync=off", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc):
        self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
