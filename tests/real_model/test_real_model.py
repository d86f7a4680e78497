"""Shipped scripts played through a real model: SmolLM2-135M on llama.cpp, over HTTP, through
the OpenAI engine and the API as a rep uses it (streaming). Plumbing, not coaching quality:
every turn completes, the rep never sees a rejected draft nor our internal text, the summary
comes back through json_schema, and the tokens are stored. Each script is played once (the
module's fixture); the tests read what it left."""

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import delete, select

from models import Base, Message, utcnow
from service import create_app
from service.api_tokens import issue_token
from service.coach import guard
from service.coach.engines.openai import SUMMARY_NOW, OpenAIEngine
from service.coach.substance import Said
from service.evaluation.script_world import build_world
from tests.browser_fixtures import ARTIFACTS
from tests.conftest import ApiClient
from tests.sessions.conftest import sse_events

pytestmark = pytest.mark.real_model

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
PLAYED = ["pre_call_planning.json", "call_debrief_pilot.json"]
# Ours, never the coach's words: the data marker, the guard's correction, the flow's guidance.
INTERNAL = ("DATA", "previous draft", "coaching rules", "Guidance for this turn",
            "coaching flow", "JSON")
# where the guard may cut a draft it releases: after a sentence's mark, or a line break
SENTENCE_END = re.compile(r"([.!?]+[\"'\u201d)]*|\n)\s*$")
WINDOW = 8  # this many words in a row from a system message or the data block is a copy


@dataclass
class Played:
    replies: list      # the rep's messages as the script sends them (text)
    turns: list        # per rep message, its SSE events
    coach: list        # the coach's messages as the API returns them
    stored: list       # (guard_outcome, prompt_tokens, completion_tokens) per coach message
    ended: tuple       # (status code, body) of POST /end
    calls: list        # (request body, status) of every model call
    seconds: list      # per rep message, how long the turn took


def model_app(database_url, llama_url):
    """The app on the llama server, configured as the environment would configure it; every
    HTTP exchange with the model recorded."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k",
                      "DEMO_DATA": False, "COACH_ENGINE": "openai",
                      "OPENAI_BASE_URL": llama_url, "OPENAI_API_KEY": "local",
                      "COACH_MODEL": "smollm2-135m", "COACH_TEMPERATURE": 0.0,
                      "COACH_SEED": 42, "COACH_TIMEOUT": 300, "COACH_SUMMARY_TIMEOUT": 600,
                      "COACH_MAX_RETRIES": 0, "COACH_MAX_REPLY_TOKENS": 300,
                      "COACH_SCHEMA_STRING_LIMIT": 240,
                      "RATE_LIMIT_TURNS": ""})
    calls = []

    def record(response):
        body = json.loads(response.request.content)
        if not body.get("stream"):  # the summary: its answer too (a stream is left to the SDK)
            response.read()
            body["answer"] = response.text
        calls.append((body, response.status_code))

    engine = OpenAIEngine.from_config(app.config)
    http = httpx2.Client(event_hooks={"response": [record]})
    engine.client.close()
    engine.client = engine.client.with_options(http_client=http)
    app.config["COACH_ENGINE_INSTANCE"] = engine
    return app, calls, http


def play(app, calls, name: str) -> Played:
    script = json.loads((SCRIPTS / name).read_text(encoding="utf-8"))
    api, sm, first = ApiClient(app.test_client()), app.extensions["db"]["sessionmaker"], len(calls)
    with sm() as s:
        rep, ids = build_world(s, script, utcnow().date())
        _, token = issue_token(s, rep)
        s.commit()
    target = script.get("session", {})
    started = api.post("/sessions", token, json={
        "mode": script["mode"],
        "opportunity_id": ids["opportunities"].get(target.get("opportunity")),
        "account_id": ids["accounts"].get(target.get("account"))})
    assert started.status_code == 201, started.get_json()
    sid, turns, seconds = started.get_json()["id"], [], []
    for index, reply in enumerate(script["replies"]):
        body = {"text": reply} if isinstance(reply, str) else dict(reply)
        began = time.monotonic()
        response = api.post(f"/sessions/{sid}/messages", token,
                            json={**body, "client_message_id": f"m{index}"},
                            headers={"Accept": "text/event-stream"})
        turns.append(sse_events(response.get_data(as_text=True)))
        seconds.append(round(time.monotonic() - began, 1))
    began = time.monotonic()
    ended = api.post(f"/sessions/{sid}/end", token)
    seconds.append(round(time.monotonic() - began, 1))  # the end: the summary
    coach = [m for m in api.get(f"/sessions/{sid}", token).get_json()["messages"]
             if m["role"] == "coach"]
    with sm() as s:
        stored = [(m.guard_outcome, m.prompt_tokens, m.completion_tokens) for m in s.scalars(
            select(Message).where(Message.session_id == sid, Message.role == "coach")
            .order_by(Message.id))]
    replies = [r if isinstance(r, str) else r.get("text", "") for r in script["replies"]]
    return Played(replies, turns, coach, stored, (ended.status_code, ended.get_json()), calls[first:],
                  seconds)


@pytest.fixture(scope="module")
def played(database_url, llama_url):
    app, calls, http = model_app(database_url, llama_url)
    try:
        runs = {name: play(app, calls, name) for name in PLAYED}
        # what the model said, kept by CI with the screenshots: tests assert plumbing only
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "real_model_transcripts.json").write_text(json.dumps(
            {name: {"coach": [m["text"] for m in run.coach], "guard": run.stored,
                    "seconds": run.seconds, "events": run.turns,
                    "summary": run.ended[1].get("summary"),
                    "summary_answers": [b.get("answer") for b, _ in run.calls
                                        if is_summary(b)]}
             for name, run in runs.items()},
            indent=2, ensure_ascii=False), encoding="utf-8")
        yield runs
    finally:
        http.close()
        engine = app.extensions["db"]["engine"]
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))
        engine.dispose()


def screens(events) -> list[str]:
    """What was on the rep's screen after each ``delta`` or ``replace``, in order."""
    screen, out = "", []
    for name, data in events:
        if name in ("delta", "replace"):
            screen = screen + data["text"] if name == "delta" else data["text"]
            out.append(screen)
    return out


def shown_before_replace(events) -> str:
    """What of a draft the rep had read when the ``replace`` came ("" when none came)."""
    screen = ""
    for name, data in events:
        if name == "replace":
            return screen
        if name == "delta":
            screen += data["text"]
    return ""


def squash(text: str) -> str:
    return " ".join(text.split())


def copied(text: str, sources: list[str]) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    flat = [" ".join(re.findall(r"\w+", s.lower())) for s in sources]
    runs = (" ".join(words[i:i + WINDOW]) for i in range(len(words) - WINDOW + 1))
    return [run for run in runs if any(run in source for source in flat)]


def hidden_texts(calls) -> list[str]:
    """What the model is told and the rep never writes: system messages and the data block."""
    return [m["content"] for body, _ in calls for m in body["messages"]
            if m["role"] == "system" or m["content"].startswith("DATA")]


@pytest.mark.parametrize("name", PLAYED)
def test_every_turn_completes_and_the_rep_reads_what_is_stored(played, name):
    run = played[name]
    for index, events in enumerate(run.turns):
        assert events[-1][0] == "done", f"reply {index + 1}: {events[-1]}"
        assert events[-1][1]["text"].strip(), f"reply {index + 1}: empty"
        assert squash(screens(events)[-1]) == events[-1][1]["text"], f"reply {index + 1}"
    assert len(run.coach) == len(run.turns) + 1  # the opening, then one reply per message
    assert [m["text"] for m in run.coach[1:]] == [e[-1][1]["text"] for e in run.turns]


@pytest.mark.xfail(strict=False, reason=(
    "SmolLM2-135M under the coach_turn JSON grammar runs every turn's answer to the 300-token cap "
    "(measured 3 December: 15/15 turns, even with a 240-character limit on each string), so each "
    "reply is the fallback question sent as a replacement; a larger model streams its own"))
def test_replies_stream_piece_by_piece(played):
    """Some reply the rep kept came as ``delta`` pieces, not only as a replacement (which turns
    the guard lets through is the model's doing)."""
    streamed = {name: [i + 1 for i, events in enumerate(run.turns)
                       if any(e == "delta" for e, _ in events) and not shown_before_replace(events)]
                for name, run in played.items()}
    assert any(streamed.values()), {name: run.stored for name, run in played.items()}


@pytest.mark.parametrize("name", PLAYED)
def test_the_rep_reads_of_a_rejected_draft_only_sentences_the_guard_passed(played, name):
    """The guard releases a draft sentence by sentence (README, The guard): a sentence shows once
    the reply up to its end passes, and the first that fails stops the draft, which the
    regenerated reply then replaces. So what was on screen when ``replace`` came is whole
    sentences the guard passed so far (judged again here against the session: the questions
    asked before, the rep's message), never the sentence that failed."""
    run = played[name]
    for index, events in enumerate(run.turns):
        shown = shown_before_replace(events)
        if not shown.strip():
            continue
        said = Said(asked=tuple(m["text"] for m in run.coach[:index + 1]), rep=run.replies[index])
        verdict = guard.check(shown, partial=True, require_open=False, said=said)
        assert verdict.ok, (index + 1, shown, verdict.reasons)
        assert SENTENCE_END.search(shown), (index + 1, shown)


@pytest.mark.parametrize("name", PLAYED)
def test_nothing_the_rep_reads_carries_our_internal_text(played, name):
    """Every screen, a draft later replaced included, and every stored coach message."""
    run = played[name]
    hidden = hidden_texts(run.calls)
    seen = [m["text"] for m in run.coach] + [t for events in run.turns for t in screens(events)]
    for text in seen:
        assert [w for w in INTERNAL if w in text] == [], text
        assert copied(text, hidden) == [], text
        assert not text.lstrip().startswith(("{", "[")), text  # no JSON of a structured answer


def is_summary(body: dict) -> bool:
    """A summary request (every reply asks for JSON too, streamed: its schema is coach_turn)."""
    return (body.get("response_format") or {}).get("json_schema", {}).get("name") == \
        "coaching_summary"


def answered(run):
    """The summary's json_schema requests: (status, finish_reason, content)."""
    asked = [(b, s) for b, s in run.calls if is_summary(b)]
    assert asked and all(b["response_format"]["type"] == "json_schema" for b, _ in asked)
    assert all(b["messages"][-1]["role"] == "system" for b, _ in asked)
    out = []
    for body, status in asked:
        choice = json.loads(body["answer"])["choices"][0] if status == 200 else {}
        out.append((status, choice.get("finish_reason"), choice.get("message", {}).get("content")))
    return out


@pytest.mark.parametrize("name", PLAYED)
def test_the_summary_comes_back_through_json_schema(played, name):
    """Taken by the grammar (200, never refused into the text fallback). JSON that closed is a
    summary the end stores; a 135M model may still loop inside one string until the token cap
    (the grammar bounds the lists and the dates, not a string's length), and then the end is a
    retryable 502 the rep can end again, never a crash."""
    run = played[name]
    [(status, finish, content)] = answered(run)
    code, body = run.ended
    assert status == 200
    try:
        data = json.loads(content)
    except ValueError:
        assert finish == "length", content
        assert code == 502 and body["error"]["fields"]["retryable"] is True, body
        return
    assert set(data) == {"summary", "commitments", "help_asked"}, content
    assert code == 200, body
    assert body["status"] == "ended" and body["summary"].strip()
    assert SUMMARY_NOW.lower().rstrip(".") not in body["summary"].lower()


def test_at_least_one_summary_is_stored_from_the_models_json(played):
    assert [n for n, run in played.items() if run.ended[0] == 200], {
        n: answered(run)[0][:2] for n, run in played.items()}


@pytest.mark.parametrize("name", PLAYED)
def test_usage_is_stored_and_sampling_sent(played, name):
    run = played[name]
    by_model = [row for row in run.stored if row[0]]  # a guard outcome: the model wrote it
    assert by_model and all(p > 0 and c > 0 for _, p, c in by_model), run.stored
    assert {(b["temperature"], b["seed"]) for b, _ in run.calls} == {(0.0, 42)}
