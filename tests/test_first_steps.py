"""A newcomer's first minutes: the front page, the icon, and `dev.py run` keeping its key."""

import os
import stat
import subprocess
from pathlib import Path

import dev
from service import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_the_front_page_points_to_the_demo_review_and_api(app):
    client = app.test_client()
    app.config["DEMO_DATA"] = True
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    for href in ('href="/demo"', 'href="/review/"', 'href="/api/v1/openapi.json"'):
        assert href in page.text
    app.config["DEMO_DATA"] = False
    assert 'href="/demo"' not in client.get("/").text  # no link to a page that is not there


def test_a_favicon_is_served_and_linked(app):
    client = app.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg") and b"<title>Sales Coach</title>" in icon.data
    for page in ("/", "/review/login"):
        assert '<link rel="icon" href="/favicon.ico" type="image/svg+xml">' in client.get(page).text


def test_dev_run_keeps_one_generated_secret_key_under_instance(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "flask", lambda *args, env=None: calls.append(env))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    dev.run()
    dev.run()  # a restart
    first, second = calls[2]["SECRET_KEY"], calls[5]["SECRET_KEY"]
    assert first == second and len(first) == 64
    kept = tmp_path / "instance" / "secret_key"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "configured-by-the-operator")
    dev.run()
    assert calls[-1]["SECRET_KEY"] == "configured-by-the-operator"


def test_the_instance_folder_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/secret_key"], cwd=ROOT)
    assert ignored.returncode == 0


def test_an_unset_secret_key_is_said_out_loud(database_url, monkeypatch, caplog):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    assert not any("SECRET_KEY" in r.getMessage() for r in caplog.records)  # CLI output clean
    app.test_client().get("/healthz")
    app.test_client().get("/healthz")
    app.extensions["db"]["engine"].dispose()
    warned = [r for r in caplog.records if "SECRET_KEY is not set" in r.getMessage()]
    assert len(warned) == 1
    caplog.clear()
    configured = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k"})
    configured.extensions["db"]["engine"].dispose()
    assert not any("SECRET_KEY" in r.getMessage() for r in caplog.records)
    assert os.environ.get("SECRET_KEY") is None
