"""Concurrency: N reps chatting at once with gunicorn as the Procfile runs it, on loopback.

Starts a throwaway PostgreSQL (or --database-url), the fake OpenAI-compatible server streaming at
a fixed token rate (service/coach/fake_llm.py, its own process), and `gunicorn -c gunicorn.conf.py
"service:create_app()"` on 127.0.0.1. Each simulated rep starts a session (the coach's opening
is a model call) and sends --turns messages with Accept: text/event-stream. Reports per N:
errors, unfinished turns, reps who left mid-reply (every --leave-every'th closes the connection
at the first text: counted apart, not as errors, and checked to have the reply stored), time to
first token as the rep sees it and as added by the service (the rep's minus the fake model's
own, measured alone at the same concurrency), throughput, peak RSS of gunicorn.

    .venv/bin/python benchmarks/concurrency.py [--reps 50 200 500] [--turns 2]
        [--tokens-per-second 20] [--worker-class gevent|gthread] [--leave-every 10]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from _common import (  # noqa: E402
    ROOT,
    UNLIMITED,
    database,
    fresh_database,
    percentile,
    seed_reps,
    table,
    write_result,
)
from turn_phases import measure as measure_phases  # noqa: E402

from service.coach.heard import SCHEMA_NAME, ReplyReader  # noqa: E402
from service.coach.release import BOUNDARY  # noqa: E402

HOST = "127.0.0.1"
RUN_LIMIT = 240  # seconds for one N, start to finish
TEXT = ("The pricing call slipped to Thursday because the CFO was travelling, and I am not sure "
        "the champion can get the budget signed this quarter.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str, limit: float = 30, healthy_below: int = 500) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < healthy_below:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on {HOST}:{port}{path}")


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def gunicorn_rss_kb(master: int) -> int:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return rss_kb(master) + sum(rss_kb(int(c)) for c in children)


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (and its children, for gunicorn's workers)."""
    pids = [pid]
    if children:
        try:
            pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass
    total = 0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def read_sse(response, started: float, leave: bool = False) -> tuple[float | None, str | None]:
    """(seconds to the first delta or None, error code or None) of one streamed turn; with
    ``leave``, stop reading at the first delta (the rep closes the tab)."""
    first, error, event = None, None, None
    while True:
        line = response.readline()
        if not line:
            break
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
            if event == "delta" and first is None:
                first = time.perf_counter() - started
                if leave:
                    break
        elif line.startswith(b"data: ") and event == "error":
            error = json.loads(line[6:]).get("code", "error")
    return first, error


def rep(port: int, token: str, turns: int, out: dict, leave: bool = False) -> None:
    """One rep's session; a rep who ``leave``s closes the connection at the first delta of the
    first message (a closed tab: the client's doing, counted apart, and the reply must still be
    stored)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        # new: a rep reused by a later run leaves its earlier session active; that is not measured
        conn.request("POST", "/api/v1/sessions", json.dumps({"mode": "weekly_review", "new": True}),
                     headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 201:
            out["errors"].append(f"start {response.status}")
            return
        sid = json.loads(body)["id"]
        for n in range(turns):
            started = time.perf_counter()
            conn.request("POST", f"/api/v1/sessions/{sid}/messages",
                         json.dumps({"text": TEXT, "client_message_id": f"m{n}"}),
                         {**headers, "Accept": "text/event-stream"})
            response = conn.getresponse()
            if response.status != 200:
                out["errors"].append(f"turn {response.status}")
                response.read()
                continue
            first, error = read_sse(response, started, leave)
            if error:
                out["errors"].append(f"turn {error}")
                continue
            if leave:
                conn.close()
                out["left"].append((token, sid))
                return
            out["turns"] += 1
            if first is not None:
                out["ttft"].append(first)
        conn.close()
    except (OSError, http.client.HTTPException, ValueError) as exc:
        out["errors"].append(type(exc).__name__)


def stored_after_leaving(port: int, left: list[tuple[str, int]], limit: float = 60) -> int:
    """How many of the sessions whose rep left mid-reply have that reply stored (the service
    finishes a turn nobody reads any more)."""
    def ends_on_reply(token: str, sid: int) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", f"/api/v1/sessions/{sid}", headers={"Authorization": f"Bearer {token}"})
            messages = json.loads(conn.getresponse().read()).get("messages", [])
            conn.close()
            if len(messages) >= 3 and messages[-1]["role"] == "coach":
                return True
            gevent.sleep(0.5)
        return False
    jobs = [gevent.spawn(ends_on_reply, token, sid) for token, sid in left]
    gevent.joinall(jobs, timeout=limit + 30)
    return sum(1 for job in jobs if job.value)


def model_alone(port: int, count: int) -> tuple[list[float], list[float]]:
    """The fake model's own times, at this concurrency and without the service, to its first
    token and to the end of the reply's first sentence. The second is the earliest the rep can
    see text: the guard releases whole sentences (service/coach/release.py), so what the
    service adds beyond it is the service's own cost."""
    body = json.dumps({"model": "fake", "stream": True, "messages": [
        {"role": "system", "content": "You are a coach."}, {"role": "user", "content": TEXT}],
        "response_format": {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME}}})
    firsts, sentences = [], []

    def one():
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
            started = time.perf_counter()
            conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            reader, first = ReplyReader(), None
            while line := response.readline():
                if not line.startswith(b"data: {"):
                    continue
                for choice in json.loads(line[6:]).get("choices") or ():
                    piece = (choice.get("delta") or {}).get("content")
                    if not piece:
                        continue
                    first = first or time.perf_counter() - started
                    reader.feed(piece)
                    if reader.closed or BOUNDARY.search(reader.reply + " "):
                        firsts.append(first)
                        sentences.append(time.perf_counter() - started)
                        response.read()
                        conn.close()
                        return
        except (OSError, http.client.HTTPException):
            pass

    gevent.joinall([gevent.spawn(one) for _ in range(count)], timeout=RUN_LIMIT)
    return firsts, sentences


def run_one(port: int, master: int, llm: int, tokens: list[str], turns: int,
            leave_every: int = 0) -> dict:
    out = {"turns": 0, "ttft": [], "errors": [], "left": []}
    peak, started = gunicorn_rss_kb(master), time.perf_counter()
    cpu_web, cpu_llm = cpu_seconds(master, children=True), cpu_seconds(llm)
    greenlets = [gevent.spawn(rep, port, token, turns, out,
                              bool(leave_every) and n % leave_every == leave_every - 1)
                 for n, token in enumerate(tokens)]
    while not all(g.dead for g in greenlets) and time.perf_counter() - started < RUN_LIMIT:
        gevent.sleep(0.2)
        peak = max(peak, gunicorn_rss_kb(master))
    gevent.killall([g for g in greenlets if not g.dead], timeout=5)
    elapsed = time.perf_counter() - started
    cpu_web, cpu_llm = cpu_seconds(master, children=True) - cpu_web, cpu_seconds(llm) - cpu_llm
    left = len(out["left"])
    # the openings and the replies nobody read to the end are model calls too
    calls = len(tokens) + out["turns"] + left
    unfinished = (len(tokens) - left) * turns - out["turns"] - len(out["errors"])
    return {"elapsed_s": round(elapsed, 2), "turns_ok": out["turns"], "errors": len(out["errors"]),
            "error_kinds": sorted(set(out["errors"])), "unfinished": max(0, unfinished),
            "left": left, "left_reply_stored": stored_after_leaving(port, out["left"]),
            "ttft": out["ttft"], "peak_rss_mb": round(peak / 1024, 1),
            "throughput_turns_per_s": round(out["turns"] / elapsed, 1),
            "service_cpu_ms_per_model_turn": round(cpu_web * 1000 / max(1, calls), 1),
            "fake_model_cpu_s": round(cpu_llm, 1), "service_cpu_s": round(cpu_web, 1)}


def start_services(url: str, args, llm_port: int, web_port: int, logs: Path):
    python = str(ROOT / ".venv" / "bin" / "python")
    # The fake server as its module runs it, with a listen backlog for hundreds of connections
    # (socketserver's default of 5 would measure SYN retransmits, not the service).
    launch = ("import sys; from service.coach import fake_llm; "
              "fake_llm.FakeLLMServer.request_queue_size = 2048; fake_llm.main(sys.argv[1:])")
    llm = subprocess.Popen([python, "-c", launch, "--host", HOST, "--port",
                            str(llm_port), "--tokens-per-second", str(args.tokens_per_second)],
                           cwd=ROOT, stdout=open(logs / "fake_llm.log", "w"),
                           stderr=subprocess.STDOUT)
    env = {**os.environ, "DATABASE_URL": url, "HOST": HOST, "PORT": str(web_port),
           "SECRET_KEY": "bench", "COACH_ENGINE": "openai", "OPENAI_API_KEY": "bench",
           "OPENAI_BASE_URL": f"http://{HOST}:{llm_port}/v1", "COACH_MAX_RETRIES": "0",
           "GUNICORN_WORKER_CLASS": args.worker_class,
           **{k: str(v) for k, v in UNLIMITED.items()}}
    web = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py",
                            "service:create_app()"], cwd=ROOT, env=env,
                           stdout=open(logs / "gunicorn.log", "w"), stderr=subprocess.STDOUT)
    return llm, web


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--tokens-per-second", type=float, default=20)
    parser.add_argument("--worker-class", default="gevent")
    parser.add_argument("--database-url")
    parser.add_argument("--leave-every", type=int, default=10,
                        help="every Nth rep closes the connection at the first text (0: none)")
    parser.add_argument("--phase-sessions", type=int, default=40,
                        help="sessions played alone afterwards for the CPU split by phase (0: none)")
    args = parser.parse_args()
    logs = ROOT / "benchmarks" / "results"
    logs.mkdir(exist_ok=True)
    results = []
    with database(args.database_url, postgres=True) as url:
        fresh_database(url)
        tokens = seed_reps(url, max(args.reps) * 2)
        llm_port, web_port = free_port(), free_port()
        llm, web = start_services(url, args, llm_port, web_port, logs)
        try:
            wait_http(llm_port, "/", healthy_below=600)  # any answer: it serves POST only
            wait_http(web_port, "/healthz")
            offset = 0
            for count in args.reps:
                alone, sentence = model_alone(llm_port, count)
                result = run_one(web_port, web.pid, llm.pid, tokens[offset:offset + count],
                                 args.turns, args.leave_every)
                offset += count
                ttft = result.pop("ttft")
                base50, base95 = percentile(alone, 50), percentile(alone, 95)
                result.update(reps=count, ttft_p50_ms=round(percentile(ttft, 50) * 1000),
                              ttft_p95_ms=round(percentile(ttft, 95) * 1000),
                              model_ttft_p50_ms=round(base50 * 1000),
                              model_ttft_p95_ms=round(base95 * 1000),
                              added_p50_ms=round((percentile(ttft, 50) - base50) * 1000),
                              added_p95_ms=round((percentile(ttft, 95) - base95) * 1000),
                              model_sentence_p95_ms=round(percentile(sentence, 95) * 1000),
                              added_after_sentence_p50_ms=round(
                                  (percentile(ttft, 50) - percentile(sentence, 50)) * 1000),
                              added_after_sentence_p95_ms=round(
                                  (percentile(ttft, 95) - percentile(sentence, 95)) * 1000))
                results.append(result)
                print(json.dumps(result), flush=True)
            # alone, in this process, against the same model server and database
            phases = measure_phases(url, f"http://{HOST}:{llm_port}/v1", args.phase_sessions) \
                if args.phase_sessions else None
        finally:
            web.terminate()
            llm.terminate()
            web.wait(timeout=60)
            llm.wait(timeout=10)
    rows = [[r["reps"], r["turns_ok"], r["errors"], r["unfinished"],
             f"{r['left_reply_stored']}/{r['left']}", r["ttft_p50_ms"], r["ttft_p95_ms"],
             r["added_p50_ms"], r["added_p95_ms"], r["model_sentence_p95_ms"],
             r["added_after_sentence_p50_ms"], r["added_after_sentence_p95_ms"],
             r["throughput_turns_per_s"],
             r["peak_rss_mb"], r["service_cpu_ms_per_model_turn"]] for r in results]
    print(table(["reps", "turns ok", "errors", "unfinished", "left (reply stored)", "TTFT p50 ms",
                 "TTFT p95 ms", "added p50 ms", "added p95 ms", "model 1st sentence p95 ms",
                 "added after it p50 ms", "added after it p95 ms", "turns/s", "peak RSS MB",
                 "service CPU ms/turn"], rows))
    if phases:
        split = phases["cpu_ms_per_model_turn"]
        print(f"service CPU per model turn by phase, {phases['model_turns']} turns alone (ms):")
        print(table(list(split), [list(split.values())]))
    name = "concurrency" if args.worker_class == "gevent" else f"concurrency_{args.worker_class}"
    print(f"written to {write_result(name, {'settings': vars(args), 'runs': results, 'phases': phases})}")


if __name__ == "__main__":
    sys.exit(main())
