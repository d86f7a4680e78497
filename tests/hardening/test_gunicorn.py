"""The Procfile's web process for real: gunicorn with gunicorn.conf.py on loopback, JSON logs on
stdout with the request id, and a reply in flight finished on SIGTERM (graceful shutdown)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from models import Base
from models.db import make_engine, make_sessionmaker
from service.coach import fake_llm
from tests.conftest import build_org

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_web() -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    assert line == 'web: gunicorn -c gunicorn.conf.py "service:create_app()"'
    return [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
            "service:create_app()"]


def wait_for(port: int, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start listening")


@pytest.fixture
def served(tmp_path):
    """A SQLite database with an organization, a slow fake model, and gunicorn serving both."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine)() as s:
        org = build_org(s, "Web")
    engine.dispose()
    model = fake_llm.make_server(tokens_per_second=8)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "1", "SECRET_KEY": "web-test", "COACH_ENGINE": "openai",
           "OPENAI_API_KEY": "test", "OPENAI_BASE_URL": model.base_url,
           "COACH_MAX_RETRIES": "0", "GRACEFUL_TIMEOUT": "20"}
    log = open(tmp_path / "stdout.log", "w+")
    web = subprocess.Popen(procfile_web(), cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        wait_for(port)
        yield port, org.tokens["rep_a1"], web, tmp_path / "stdout.log"
    finally:
        while OPEN:
            OPEN.pop().close()
        if web.poll() is None:
            web.kill()
        web.wait(timeout=30)
        log.close()
        model.shutdown()
        model.server_close()


OPEN: list[http.client.HTTPConnection] = []


def request(port, method, path, token=None, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    OPEN.append(conn)
    headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    return conn.getresponse()


def test_the_web_process_logs_json_with_request_ids_and_drains_on_sigterm(served):
    port, token, web, stdout = served
    health = request(port, "GET", "/healthz", headers={"X-Request-ID": "probe-1"})
    assert health.status == 200 and health.getheader("X-Request-ID") == "probe-1"
    health.read()
    started = request(port, "POST", "/api/v1/sessions", token, {"mode": "weekly_review"})
    assert started.status == 201
    session_id = json.loads(started.read())["id"]

    stream = request(port, "POST", f"/api/v1/sessions/{session_id}/messages", token,
                        {"text": "The pricing call slipped to Thursday.", "client_message_id": "m1"},
                        {"Accept": "text/event-stream"})
    assert stream.status == 200
    assert stream.readline().startswith(b"event: delta")
    web.send_signal(signal.SIGTERM)  # a deploy: the reply in flight must still finish
    rest = stream.read().decode()
    assert "event: done" in rest and "event: error" not in rest
    assert web.wait(timeout=30) == 0

    lines = [json.loads(x) for x in stdout.read_text().splitlines() if x.startswith("{")]
    access = [x for x in lines if x["logger"] == "salescoach.access"]
    assert any(x["request_id"] == "probe-1" and x["path"] == "/healthz" for x in access)
    streamed = [x for x in access if x["path"].endswith("/messages")]
    assert streamed and streamed[0]["status"] == 200 and streamed[0]["user_id"] is not None
    assert any(x["logger"] == "gunicorn.error" and "Using worker: gevent" in x["message"]
               for x in lines)
