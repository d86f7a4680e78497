"""Engines register by name: the built-ins from a plain checkout, and a package's engine through
a real ``sales_coach.engines`` entry point (a dist-info on sys.path, as pip would install it)."""

import json
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from models import CoachingSession
from service.coach import engine_names, make_engine
from service.coach.engines.registry import BUILT_IN, GROUP

from .test_cli import SCRIPTS

QUESTION = "Which deal deserves your first hour this week?"
TOY_MODULE = '''
class ToyEngine:
    name = "toy"

    def __init__(self, question):
        self.question = question

    @classmethod
    def from_config(cls, config):
        return cls(config["TOY_QUESTION"])

    def stream(self, turn):
        yield self.question

    def complete_json(self, turn, schema):
        return {"summary": "Drafted by the toy.", "commitments": [], "help_asked": ""}
'''


@pytest.fixture
def toy_installed(tmp_path, monkeypatch):
    (tmp_path / "toy_coach_engine.py").write_text(TOY_MODULE, encoding="utf-8")
    info = tmp_path / "toy_coach_engine-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-coach-engine\nVersion: 0.1\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\ntoy = toy_coach_engine:ToyEngine\n",
                                           encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("toy_coach_engine", None)


def test_the_built_ins_are_known_and_declared_as_entry_points():
    assert {"guided", "openai", "fake"} <= set(engine_names())
    assert make_engine("guided").name == "guided"
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"][GROUP] == BUILT_IN


def test_an_unknown_engine_names_the_known_ones(toy_installed):
    with pytest.raises(ValueError) as refused:
        make_engine("astrology")
    assert "astrology" in str(refused.value)
    assert all(name in str(refused.value) for name in ("guided", "openai", "toy"))


def test_coach_engine_picks_an_installed_engine_for_a_session(toy_installed, app, api, orgs, session):
    app.config.update(COACH_ENGINE="toy", TOY_QUESTION=QUESTION)
    response = api.post("/sessions", orgs["one"].tokens["rep_a1"], json={"mode": "weekly_review"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["messages"][0]["text"] == QUESTION
    stored = session.scalar(select(CoachingSession).where(
        CoachingSession.id == response.get_json()["id"]))
    assert stored.engine == "toy"


def test_flask_coach_eval_runs_an_installed_engine(toy_installed, app):
    app.config["TOY_QUESTION"] = QUESTION
    result = app.test_cli_runner().invoke(args=["coach", "eval", "--json", "--engine", "toy",
                                                SCRIPTS[0]])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)[0]
    assert QUESTION in [t["text"] for t in row["transcript"] if t["role"] == "coach"]
    assert "Drafted by the toy." in row["summary"]  # its points, among the record's parts


def test_the_cli_offers_the_registered_engines(toy_installed, app):
    result = app.test_cli_runner().invoke(args=["coach", "chat", "--email", "x@y.test",
                                                "--engine", "astrology"])
    assert result.exit_code != 0 and "'toy'" in result.output and "'guided'" in result.output
