"""Playing one script through the real orchestration: the session is created, each reply
sent (as words, or as a quick-reply pick with its words), the session ended, the rep's
end-view picks made and the session confirmed, as the rep would; then it is measured."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.pool import StaticPool

from models import Base, CoachingSession, Commitment, utcnow
from models.db import make_engine, make_sessionmaker

from ..coach import EngineError
from ..domain_errors import Invalid
from ..sessions.claim import accept_message
from ..sessions.ending import edit_summary, end_session
from ..sessions.turn import create_session, open_session, run_turn
from .expect import ExpectError, measure
from .figures import figures
from .script_world import build_world


class ScriptError(Exception):
    """The script asks for what the session does not allow (a choice the coach did not offer,
    an answer it never heard): the script fails, and says so in these words."""


def run_all(paths, coach_factory) -> list[dict]:
    """Every script, each in its own database; one that fails or crashes is reported as
    ``{"script", "error"}`` and the others still run."""
    rows = []
    for path in paths:
        name = Path(path).name
        try:
            rows.append(run_script(path, coach_factory))
        except (ScriptError, ExpectError) as exc:
            rows.append({"script": name, "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - a crash is that script's failure, told briefly
            rows.append({"script": name, "error": f"crashed: {type(exc).__name__}: {exc}"})
    return rows


def _reply(item, index: int) -> tuple[str, str | None]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and set(item) <= {"text", "choice"} and item:
        return item.get("text", ""), item.get("choice")
    raise ScriptError(f"reply {index + 1}: a reply is words or {{\"text\", \"choice\"}}, "
                      f"not {item!r}")


def _end_answers(script: dict, due_ids: list[int], due_texts: dict) -> list[dict]:
    """The rep's picks in the end view: a follow-up named by words of its commitment."""
    edits = []
    for item in script.get("end_answers", []):
        if item.get("kind") == "follow_up":
            found = next((i for i in due_ids
                          if item["text_contains"].lower() in due_texts[i].lower()), None)
            if found is None:
                raise ScriptError(f"end_answers: no due commitment contains "
                                  f"{item['text_contains']!r}")
            edits.append({"kind": "follow_up", "commitment_id": found, "value": item["value"]})
        else:
            edits.append({"kind": "rating", "skill": item["skill"], "value": str(item["value"])})
    return edits


def run_script(path, coach_factory) -> dict:
    """Play one script against a fresh in-memory database; the session's figures and record."""
    script = json.loads(Path(path).read_text(encoding="utf-8"))
    engine = make_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    sm = make_sessionmaker(engine)
    coach = coach_factory()
    today = utcnow().date()
    try:
        with sm() as s:
            rep, ids = build_world(s, script, today)
            target = script.get("session", {})
            session_id = create_session(
                s, coach, rep, script["mode"],
                opportunity_id=ids["opportunities"].get(target.get("opportunity")),
                account_id=ids["accounts"].get(target.get("account")), today=today).id
            due_texts = {i: s.get(Commitment, i).text for i in ids["due"]}
        _finish(open_session(sm, coach, session_id), "the opening")
        for index, item in enumerate(script["replies"]):
            text, choice = _reply(item, index)
            with sm() as s:
                row = s.get(CoachingSession, session_id)
                try:
                    message, _ = accept_message(s, row, text, f"eval-{index}", choice=choice)
                except Invalid as exc:
                    said = f"choice {choice!r}" if choice else repr(text[:40])
                    raise ScriptError(f"reply {index + 1} ({said}): {_said(exc)}") from None
                message_id = message.id
            _finish(run_turn(sm, coach, session_id, message_id), f"reply {index + 1}")
        try:
            end_session(sm, coach, session_id)
        except EngineError as exc:  # the model's summary: that script fails, the others run
            raise ScriptError(f"the summary failed: {type(exc).__name__}: {exc}") from None
        with sm() as s:
            try:
                edit_summary(s, s.get(CoachingSession, session_id), {
                    "answers": _end_answers(script, ids["due"], due_texts), "confirmed": True},
                    coach)
            except Invalid as exc:
                raise ScriptError(f"end_answers: {_said(exc)}") from None
        with sm() as s:
            row = s.get(CoachingSession, session_id)
            result = figures(row, Path(path).name, script, coach.modes.get(script["mode"]))
            result["record"] = measure(s, row, script.get("expect"), ids["due"], today)
            return result
    finally:
        engine.dispose()


def _said(exc: Invalid) -> str:
    fields = exc.fields or {}
    if "choice" in fields:
        return f"the coach did not offer it. {fields['choice'][0]}"
    return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in fields.items()) or exc.message


def _finish(events, what: str) -> None:
    for name, data in events:
        if name == "error":
            raise ScriptError(f"{what}: the coach failed: {type(data).__name__}: {data}")
