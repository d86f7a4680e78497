"""`flask coach eval` over the shipped scripts and `flask coach chat` with typed input."""

import json
from pathlib import Path

from sqlalchemy import select

from models import CoachingSession

SCRIPTS = sorted(str(p) for p in (Path(__file__).parents[1] / "scripts").glob("*.json"))


def test_eval_scripts_coach_by_asking(app):
    assert len(SCRIPTS) >= 7
    result = app.test_cli_runner().invoke(args=["coach", "eval", "--json", *SCRIPTS])
    rows = json.loads(result.output)
    # every script ran; whether each record is right is tests/sessions/test_evaluation.py's subject
    assert [r["error"] for r in rows if "error" in r] == []
    assert {r["mode"] for r in rows} >= {
        "weekly_review", "opportunity_strategy", "account_planning", "territory_planning",
        "pre_call_planning", "call_debrief", "skills_audit"}
    for row in rows:
        assert row["open_question_share"] >= 0.8, row["script"]
        assert row["one_question_turns"] == row["turns_to_ask"], row["script"]
        assert row["telling_count"] == 0, row["script"]
    table = app.test_cli_runner().invoke(args=["coach", "eval", SCRIPTS[0]])
    assert "open q" in table.output and Path(SCRIPTS[0]).name in table.output


def test_chat_in_the_terminal_stores_and_confirms(app, world, session):
    typed = "\n".join([
        "I booked two of the three meetings.",
        "The proposal slipped because procurement wanted a new scope.",
        "Closed value dropped because two deals slid into next month.",
        "/end", "/confirm"])
    result = app.test_cli_runner().invoke(
        args=["coach", "chat", "--email", world.rep.email, "--mode", "weekly_review"],
        input=typed)
    assert result.exit_code == 0, result.output
    assert "Book three discovery meetings" in result.output
    assert "coach>" in result.output and "Summary (draft)" in result.output
    row = session.scalar(select(CoachingSession).where(
        CoachingSession.rep_id == world.rep.id, CoachingSession.status == "confirmed",
        CoachingSession.summary != "Last week."))
    assert row is not None and len(row.messages) == 7


def test_chat_refuses_an_unknown_rep(app):
    result = app.test_cli_runner().invoke(args=["coach", "chat", "--email", "nobody@x.test"])
    assert result.exit_code != 0 and "no user" in result.output


def test_fake_llm_command_starts_the_fake_model_server(app, monkeypatch):
    from service.coach import fake_llm

    started = []
    monkeypatch.setattr(fake_llm.FakeLLMServer, "serve_forever",
                        lambda server, *args, **kwargs: started.append(server.base_url))
    result = app.test_cli_runner().invoke(args=["coach", "fake-llm", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and started[0].startswith("http://127.0.0.1:")
