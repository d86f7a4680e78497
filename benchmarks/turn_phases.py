"""Service CPU per model turn, split by phase: request, prompt, stream, store.

Plays sessions in-process (the real app, the OpenAI engine, streamed replies read to their end)
against an OpenAI-compatible server, one at a time, and charges the CPU of each phase by
wrapping the functions that do it. The split is measured alone, not under load: under gevent one
greenlet's clock would charge another's work. concurrency.py runs it after its load and writes
it to its JSON; on its own it starts the fake model server itself.

- prompt: the coach building the turn's messages (Coach._messages: context, figures, budget);
- store: the transactions of the turn (the rep's message and claim, the reply and the state);
- stream: the rest of the turn's run (the engine's request and its stream, the gate and the
  guard, the event frames);
- request: everything else of the request (routing, authentication, parsing, the access rules,
  the response and its log line).

    .venv/bin/python benchmarks/turn_phases.py [--sessions 40] [--postgres]
"""

from __future__ import annotations

import argparse
import functools
import inspect
import sys
import threading
import time

from _common import UNLIMITED, database, fresh_database, seed_reps, table, write_result

from service import create_app
from service.api import sessions as sessions_api
from service.coach import turn as coach_turn
from service.coach.fake_llm import make_server
from service.sessions import turn as session_turn

TEXT = ("The pricing call slipped to Thursday because the CFO was travelling, and I am not sure "
        "the champion can get the budget signed this quarter.")
PHASES = ("request", "prompt", "stream", "store")


class Clock:
    """CPU seconds of this thread charged per phase; a phase's own time excludes the phases
    nested in it. The thread's clock, not the process's: run alone, the fake model server's
    thread works while the turn waits on it, and that is not the service's CPU."""

    def __init__(self):
        self.spent = dict.fromkeys(PHASES, 0.0)
        self.stack: list[list] = []  # [phase, started, nested]

    def enter(self, phase: str) -> None:
        self.stack.append([phase, time.thread_time(), 0.0])

    def leave(self) -> None:
        phase, started, nested = self.stack.pop()
        whole = time.thread_time() - started
        self.spent[phase] += whole - nested
        if self.stack:
            self.stack[-1][2] += whole

    def wrap(self, owner, name: str, phase: str) -> None:
        original = getattr(owner, name)
        if inspect.isgeneratorfunction(original):
            @functools.wraps(original)
            def timed_generator(*args, **kwargs):
                inner = original(*args, **kwargs)
                try:
                    while True:
                        self.enter(phase)
                        try:
                            item = next(inner)
                        except StopIteration as stop:
                            return stop.value
                        finally:
                            self.leave()
                        yield item
                finally:
                    inner.close()
            setattr(owner, name, timed_generator)
        else:
            @functools.wraps(original)
            def timed(*args, **kwargs):
                self.enter(phase)
                try:
                    return original(*args, **kwargs)
                finally:
                    self.leave()
            setattr(owner, name, timed)


def instrument(clock: Clock) -> None:
    clock.wrap(coach_turn.Coach, "_messages", "prompt")
    # the view imported the turn's functions by name: wrap them where each is called from
    for name, phase in (("run_turn", "stream"), ("store_reply", "store"),
                        ("create_session", "store"), ("accept_message", "store")):
        for module in (sessions_api, session_turn):
            if hasattr(module, name):
                clock.wrap(module, name, phase)


def measure(url: str, base_url: str, sessions: int, turns: int = 2) -> dict:
    """CPU ms per model turn by phase, over `sessions` sessions of `turns` streamed messages."""
    tokens = seed_reps(url, sessions + 1, label="Phases")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "COACH_ENGINE": "openai",
                      "OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": base_url,
                      "COACH_MAX_RETRIES": 0, **UNLIMITED})
    client = app.test_client()

    def play(token: str) -> None:
        auth = {"Authorization": f"Bearer {token}"}
        started = client.post("/api/v1/sessions", json={"mode": "weekly_review", "new": True},
                              headers=auth)
        assert started.status_code == 201, started.get_data(as_text=True)
        for n in range(turns):
            reply = client.post(f"/api/v1/sessions/{started.get_json()['id']}/messages",
                                json={"text": TEXT, "client_message_id": f"m{n}"},
                                headers={**auth, "Accept": "text/event-stream"})
            assert "event: done" in reply.get_data(as_text=True)

    play(tokens[0])  # warm-up: templates compile, statements cache, the client connects
    clock = Clock()
    instrument(clock)
    for token in tokens[1:]:
        clock.enter("request")
        play(token)
        clock.leave()
    calls = sessions * (turns + 1)  # the opening is a model turn too
    per_turn = {phase: round(clock.spent[phase] * 1000 / calls, 2) for phase in PHASES}
    per_turn["total"] = round(sum(clock.spent.values()) * 1000 / calls, 2)
    return {"sessions": sessions, "model_turns": calls, "cpu_ms_per_model_turn": per_turn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    server = make_server()
    server.handle_error = lambda *_: None  # a connection the client closes at exit is no news
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with database(args.database_url, args.postgres) as url:
            fresh_database(url)
            result = measure(url, server.base_url, args.sessions)
    finally:
        server.shutdown()
    split = result["cpu_ms_per_model_turn"]
    print(table([f"{phase} ms" for phase in split], [list(split.values())]))
    print(f"written to {write_result('turn_phases', result)}")


if __name__ == "__main__":
    sys.exit(main())
