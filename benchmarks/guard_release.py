"""What holding a reply back until the guard passed it costs the rep: time to first visible text.

The coach (service/coach/turn.py) shows a streaming reply sentence by sentence, each once the
guard passed it (release.Gate). This plays sessions through the OpenAI engine against the fake
OpenAI-compatible server streaming at a set token rate, and in every turn times the first piece
the model sent (what the rep saw first before the gate) and the first text the coach released
(what the rep sees first now), both from the start of the turn, and the whole reply (what
holding all of it back would have added).

    .venv/bin/python benchmarks/guard_release.py [--tokens-per-second 20 50] [--turns 40]
        [--reply-last]

A turn is one structured answer (service/coach/heard.py): the reply streams first, out of the
JSON, and the signals follow it. ``--reply-last`` has the fake model write the signals before
the reply, to measure what that order would cost the first visible text.
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import summary_ms, table, write_result

from service.coach import Coach, Delta, SessionState
from service.coach.engines.openai import OpenAIEngine
from service.coach.fake_llm import make_server
from tests.coach.conftest import make_context

ANSWERS = [
    "Two deals slipped into next month because procurement at Globex went quiet after the audit.",
    "Compared with January I spent less time prospecting because of the trade show week.",
    "I can influence my prospecting time and how fast I follow up on demos.",
    "Blocking two mornings a week for prospecting would matter most.",
    "I will book 6 first meetings by Friday and send two proposals next week.",
    "I'd like my manager to join the Globex call on 12 March to meet the CFO.",
]


class Timed:
    """The engine, noting when the model's first piece of each reply arrived."""

    def __init__(self, engine):
        self.engine, self.first = engine, None
        self.reports_usage = engine.reports_usage
        self.hears = engine.hears

    def instructions(self, turn):
        return self.engine.instructions(turn)

    def stream(self, turn):
        for piece in self.engine.stream(turn):
            if self.first is None and piece.strip():
                self.first = time.perf_counter()
            yield piece


def run(rate: float, turns: int, reply_last: bool = False) -> dict:
    server = make_server("127.0.0.1", 0, tokens_per_second=rate, reply_last=reply_last)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    engine = Timed(OpenAIEngine(api_key="bench", base_url=server.base_url, model="fake",
                                timeout=30, max_retries=0))
    coach = Coach(engine)
    model_first, shown_first, whole, outcomes = [], [], [], {}
    try:
        done = 0
        while done < turns:
            state = SessionState(mode="weekly_review", stage="", context=make_context())
            for n in range(-1, len(ANSWERS)):
                if done >= turns:
                    break
                engine.first, shown = None, None
                started = time.perf_counter()
                items = coach.open(state) if n < 0 else coach.respond(state, ANSWERS[n])
                for item in items:
                    if shown is None and isinstance(item, Delta) and item.strip():
                        shown = time.perf_counter()
                ended = time.perf_counter()
                result = item
                outcomes[result.guard["outcome"]] = outcomes.get(result.guard["outcome"], 0) + 1
                model_first.append(engine.first - started)
                shown_first.append((shown or ended) - started)
                whole.append(ended - started)
                done += 1
    finally:
        server.shutdown()
        server.server_close()
    added = [s - m for s, m in zip(shown_first, model_first, strict=True)]
    buffered = [w - m for w, m in zip(whole, model_first, strict=True)]
    return {"tokens_per_second": rate, "reply_last": reply_last, "model_first": summary_ms(model_first),
            "shown_first": summary_ms(shown_first), "added": summary_ms(added),
            "added_if_buffered": summary_ms(buffered),
            "whole_reply": summary_ms(whole), "guard_outcomes": outcomes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens-per-second", type=float, nargs="+", default=[20.0, 50.0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--reply-last", action="store_true",
                        help="The fake model writes the turn's signals before its reply.")
    args = parser.parse_args()
    results = [run(rate, args.turns, args.reply_last) for rate in args.tokens_per_second]
    rows = [[r["tokens_per_second"], r["model_first"]["n"],
             f"{r['model_first']['median_ms']:.0f} / {r['model_first']['p95_ms']:.0f}",
             f"{r['shown_first']['median_ms']:.0f} / {r['shown_first']['p95_ms']:.0f}",
             f"{r['added']['median_ms']:.0f} / {r['added']['p95_ms']:.0f}",
             f"{r['added_if_buffered']['median_ms']:.0f} / {r['added_if_buffered']['p95_ms']:.0f}",
             r["guard_outcomes"]] for r in results]
    print(table(["tokens/s", "turns", "model's first piece p50 / p95 ms",
                 "first shown p50 / p95 ms", "added p50 / p95 ms",
                 "added if the whole reply were held p50 / p95 ms", "guard"], rows))
    print(f"written to {write_result('guard_release', {'runs': results})}")


if __name__ == "__main__":
    main()
