"""Prompt growth: prompt tokens per turn over a long session, ours against resending everything.

A 200-turn session through the sessions API with a fake model that records every prompt it is
given. "ours" is what the coach sent (instructions, the rep's data, a running summary of older
turns, the recent turns whole); "resend" is the common alternative: the same instructions and data
plus the whole transcript so far. Tokens are counted by service.coach.budget (offline, within
about 10-15% of BPE tokenisers). Ours must stay flat, under COACH_TOKEN_BUDGET - COACH_MAX_REPLY_TOKENS.

    .venv/bin/python benchmarks/prompt_growth.py [--turns 200]
"""

from __future__ import annotations

import argparse
import time

from _common import UNLIMITED, database, fresh_database, seed_reps, table, write_result

from service import create_app
from service.coach import FakeEngine
from service.coach.prompt.budget import count_messages

REPLIES = [
    "So the CFO moved the call again. What do you make of that?",
    "You said procurement is new to this deal. How does that change your plan?",
    "So two of your five deals share the same blocker. Which one matters most to you?",
    "You mentioned the champion went quiet. What would you need to know to act on it?",
]
SAYINGS = [
    "The pricing call with Fabrikam slipped to Thursday because their CFO was travelling, and "
    "I am not sure the champion has enough pull to get the budget signed this quarter.",
    "I booked two of the three discovery meetings I promised, the third one fell through when "
    "the prospect changed roles, so I need to find a new contact there.",
    "Procurement joined the Contoso deal this week and asked for a security review that usually "
    "takes a month, which puts the close date at risk.",
    "My pipeline is mostly early stage right now; the proposals I sent last month are waiting "
    "and I keep chasing them instead of opening new conversations.",
]
MARKS = (1, 10, 25, 50, 100, 150, 200)


def run(url: str, turns: int) -> dict:
    fresh_database(url)
    (token,) = seed_reps(url, 1)
    engine = FakeEngine(*[REPLIES[n % len(REPLIES)] for n in range(turns * 3)], chunks=1)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "COACH_ENGINE_INSTANCE": engine, **UNLIMITED})
    budget = app.config["COACH_TOKEN_BUDGET"] - app.config["COACH_MAX_REPLY_TOKENS"]
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    started = client.post("/api/v1/sessions", json={"mode": "weekly_review"}, headers=headers)
    assert started.status_code == 201, started.get_json()
    sid = started.get_json()["id"]
    transcript = [{"role": "assistant", "content": m["text"]}
                  for m in started.get_json()["messages"]]
    head = None
    rows, deadline = [], time.monotonic() + 600
    for n in range(1, turns + 1):
        if time.monotonic() > deadline:
            break
        seen = len(engine.history)
        text = SAYINGS[n % len(SAYINGS)]
        response = client.post(f"/api/v1/sessions/{sid}/messages", headers=headers,
                               json={"text": text, "client_message_id": f"t{n}"})
        assert response.status_code == 200, response.get_json()
        transcript += [{"role": "user", "content": text},
                       {"role": "assistant", "content": response.get_json()["reply"]["text"]}]
        prompts = [t.messages for t in engine.history[seen:] if t.purpose == "reply"]
        if not prompts:  # a fixed question of the flow: no model call this turn
            continue
        ours = prompts[0]
        head = head or [m for m in ours if m["role"] == "system" or m.get("data")]  # unsummarised
        resend = count_messages(head + transcript[:-1])
        rows.append({"turn": n, "ours": count_messages(ours), "resend": resend})
    app.extensions["db"]["engine"].dispose()
    ours = [r["ours"] for r in rows]
    return {"turns": turns, "model_calls": len(rows), "budget": budget, "per_turn": rows,
            "ours_max": max(ours), "ours_last": ours[-1], "resend_last": rows[-1]["resend"],
            "under_budget": max(ours) <= budget}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with database(args.database_url, args.postgres) as url:
        result = run(url, args.turns)
    by_turn = {r["turn"]: r for r in result["per_turn"]}
    rows = []
    for mark in MARKS:
        nearest = min(by_turn, key=lambda t, m=mark: abs(t - m))
        r = by_turn[nearest]
        rows.append([r["turn"], r["ours"], r["resend"], f"{r['resend'] / r['ours']:.1f}x"])
    print(table(["turn", "ours (tokens)", "resend all (tokens)", "resend / ours"], rows))
    print(f"ours: max {result['ours_max']} tokens over {result['model_calls']} model calls; "
          f"budget {result['budget']}; under budget: {result['under_budget']}")
    print(f"written to {write_result('prompt_growth', result)}")


if __name__ == "__main__":
    main()
