"""A small local OpenAI-compatible server for demos, benchmarks and end-to-end tests.

POST /v1/chat/completions, streaming (SSE, chunked) and not, with ``json_schema`` response_format
answered by a valid session summary, or, for a coach turn (schema ``coach_turn``, or the same
asked for in text), by the turn's JSON (heard.py): the reply and the signals, read from the
rep's last message with the offline coach's readers, as a model would hear them. Replies are
Socratic (a reflection of the last user message and one open question) so the guard passes.
Knobs: ``delay`` (seconds before the first byte), ``tokens_per_second`` (0 = as fast as
possible), ``fail_every`` + ``fail_status`` (every Nth request answers 500/429...),
``drop_every`` (every Nth streamed reply is cut mid-stream), ``reject_json_schema`` (answer 400
to json_schema, as some servers do), ``reply_last`` (a turn's signals before its reply, to
measure what that costs the first visible token).

    python -m service.coach.fake_llm --port 8089 --tokens-per-second 40
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import language
from .heard import SCHEMA_NAME
from .language.commitments import commitments_in
from .language.detect import detect
from .language.reading import classify_follow_up, feels_strain, is_injection, parse_rating
from .language.reflect import reflect
from .prompt.budget import count_messages, count_tokens

QUESTIONS = [
    "What do you make of that?",
    "What was different this time compared with before?",
    "Which part of that is within your control?",
    "What would make the biggest difference from here?",
    "What exactly will you do next?",
    "How could your manager help you with that?",
]


def _rep_texts(messages: list[dict]) -> list[str]:
    """What the rep said: user messages other than the data the service adds."""
    return [m["content"] for m in messages if m.get("role") == "user"
            and not m.get("content", "").startswith(("DATA BLOCK", "DATA -"))]


def socratic_reply(messages: list[dict], n: int) -> str:
    users = _rep_texts(messages)
    if not users:
        return "Thanks for making time for this. What stands out to you in your figures this period?"
    # a seven-word reflection at most, as the offline coach's: longer would echo the rep
    return f"{reflect(users[-1], n, 7)} {QUESTIONS[n % len(QUESTIONS)]}".strip()


def _today(messages: list[dict]) -> date:
    said = next((re.search(r"Today: (\d{4}-\d{2}-\d{2})", m.get("content") or "")
                 for m in messages if m.get("role") == "user"), None)
    return date.fromisoformat(said.group(1)) if said else date.today()


def is_turn(body: dict) -> bool:
    """A coach turn's structured request: by its schema's name, or its instruction in text."""
    fmt = body.get("response_format") or {}
    if (fmt.get("json_schema") or {}).get("name") == SCHEMA_NAME:
        return True
    return any('"reply"' in (m.get("content") or "") for m in body.get("messages", [])
               if m.get("role") == "system")


MORE_QUESTIONS = [
    "What would a good outcome look like for you?", "Where do you see the biggest risk?",
    "Who else has a say in how this goes?", "What have you already tried here?",
    "What is the first step you could take this week?", "How will you know it worked?",
    "What is getting in the way right now?", "Which of these matters most to you?",
]


def _session_language(messages: list[dict]) -> str | None:
    """The code of the language the system prompt asks the replies in."""
    said = re.search(r"Write every reply in (\w+)", messages[0].get("content") or "") \
        if messages else None
    return next((c for c in language.shipped() if said and language.get(c).name == said.group(1)),
                None)


def _question(messages: list[dict], instruction: str, answered: bool) -> str:
    """A question this session has not had: the next skill's rating when the rep just answered
    on a walking stage, else the first unasked of the stock ones."""
    asked = " ".join(m.get("content") or "" for m in messages if m.get("role") == "assistant")
    moving = re.search(r"moves on to the next step: [^(]*\(about ([^)]+)\)", instruction)
    if answered and moving:
        return f"How would you rate your {moving.group(1)} on a scale from 1 to 5?"
    return next((q for q in QUESTIONS + MORE_QUESTIONS if q not in asked), QUESTIONS[0])


def turn_json(messages: list[dict], n: int, reply_last: bool = False) -> dict:
    """The turn's answer: a Socratic reply and what the rep's last message says, heard with the
    offline readers, as a model would (in the message's language, else the session's)."""
    instruction = messages[-1].get("content") or ""
    said = [m for m in messages if m.get("role") != "system"]
    last = said[-1]["content"] if said and _rep_texts(said[-1:]) else ""  # the rep's, if theirs
    code = (detect(last, tuple(language.shipped())) if last else None) or \
        _session_language(messages)
    lang = language.get(code if code in language.coached() else "en")
    injection, feeling = bool(last) and is_injection(last, lang), feels_strain(last, lang)
    rated = parse_rating(last, lang) if "only when they gave one" in instruction else None
    answered = (len(last.split()) >= 6 or rated is not None) and not (injection or feeling)
    if injection:
        reply = "Let's keep this session on your own work. " + _question(messages, "", False)
    elif feeling:
        reply = "That sounds like a lot to carry. What would help you most from this session today?"
    else:
        reflection = socratic_reply(messages, n).rsplit("?", 1)[0]
        reflection = reflection[:reflection.rfind(". ") + 1] if ". " in reflection else ""
        reply = f"{reflection} {_question(messages, instruction, answered)}".strip() if last \
            else socratic_reply(messages, n)
    followed = classify_follow_up(last, lang) if "the coach just asked about" in instruction \
        else "unclear"
    firm = "only the actions the rep firmly commits to" in instruction
    signals = {
        "answered": answered,
        "follow_up": None if followed == "unclear" else followed,
        "rating": rated[0] if rated else None,
        "commitments": [{"text": c["text"], "measure": c["measure"] or None, "kind": c["kind"],
                         "due_date": c["due_date"] and c["due_date"].isoformat()}
                        for c in commitments_in(last, _today(messages), strict=firm,
                                                lang=lang)][:4],
        "flags": {"feeling": feeling, "off_topic": False, "injection": injection},
        "language": code or "en"}
    return {**signals, "reply": reply} if reply_last else {"reply": reply, **signals}


def summary_json(messages: list[dict]) -> dict:
    users = _rep_texts(messages)
    commitments = [
        {**c, "due_date": c["due_date"] and c["due_date"].isoformat()}
        for text in users for c in commitments_in(text, date.today())]
    help_asked = next((u for u in reversed(users) if "help" in u.lower() or "manager" in u.lower()),
                      "")
    return {"summary": f"The rep talked through {len(users)} points and made "
                       f"{len(commitments)} commitment(s).",
            "commitments": commitments, "help_asked": help_asked}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeLLMServer

    def log_message(self, *args):  # quiet in tests
        pass

    def _json(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        if status == 429:
            self.send_header("retry-after", "1")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's naming
        opts = self.server.opts
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            return self._json(404, {"error": {"message": "not found"}})
        body = json.loads(raw or b"{}")
        n = self.server.next_request()
        time.sleep(opts["delay"])
        if opts["fail_every"] and n % opts["fail_every"] == 0:
            return self._json(opts["fail_status"], {"error": {"message": "injected failure"}})
        messages = body.get("messages", [])
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema" and opts["reject_json_schema"]:
            return self._json(400, {"error": {"message": "response_format is not supported"}})
        wants_json = fmt.get("type") == "json_schema" or any(
            "JSON object" in m.get("content", "") for m in messages if m.get("role") == "system")
        if is_turn(body):
            text = json.dumps(turn_json(messages, n, opts["reply_last"]), ensure_ascii=False)
        elif wants_json:
            text = json.dumps(summary_json(messages))
        else:
            text = socratic_reply(messages, n)
        usage = {"prompt_tokens": count_messages(messages), "completion_tokens": count_tokens(text)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if not body.get("stream"):
            return self._json(200, {
                "id": f"fake-{n}", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "fake"), "usage": usage,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}]})
        try:
            self._stream(body, n, text, usage)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading (the guard stopped it)

    def _chunk(self, payload: str):
        data = payload.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _stream(self, body: dict, n: int, text: str, usage: dict):
        opts = self.server.opts
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        base = {"id": f"fake-{n}", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model", "fake")}

        def event(choices, **extra):
            self._chunk(f"data: {json.dumps({**base, 'choices': choices, **extra})}\n\n")

        words = text.split(" ")
        pause = 1 / opts["tokens_per_second"] if opts["tokens_per_second"] else 0
        drop = opts["drop_every"] and n % opts["drop_every"] == 0
        event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        for i, word in enumerate(words):
            if drop and i >= len(words) // 2:
                self.close_connection = True
                return  # no terminating chunk: the client sees the stream cut mid-reply
            piece = word if i == len(words) - 1 else word + " "
            event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
            time.sleep(pause * max(1, count_tokens(piece)))
        event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if (body.get("stream_options") or {}).get("include_usage"):
            event([], usage=usage)
        self._chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class FakeLLMServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, opts: dict):
        super().__init__(address, Handler)
        self.opts = opts
        self.requests = 0
        self._lock = threading.Lock()

    def next_request(self) -> int:
        with self._lock:
            self.requests += 1
            return self.requests

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1"


def make_server(host: str = "127.0.0.1", port: int = 0, *, delay: float = 0.0,
                tokens_per_second: float = 0.0, fail_every: int = 0, fail_status: int = 500,
                drop_every: int = 0, reject_json_schema: bool = False,
                reply_last: bool = False) -> FakeLLMServer:
    """A bound server (port 0 = any free port); run it with ``serve_forever`` in a thread."""
    return FakeLLMServer((host, port), {
        "delay": delay, "tokens_per_second": tokens_per_second, "fail_every": fail_every,
        "fail_status": fail_status, "drop_every": drop_every,
        "reject_json_schema": reject_json_schema, "reply_last": reply_last})


def serve(host: str = "127.0.0.1", port: int = 8089, **opts) -> None:
    server = make_server(host, port, **opts)
    print(f"fake LLM on {server.base_url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--tokens-per-second", type=float, default=0.0)
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--drop-every", type=int, default=0)
    parser.add_argument("--reject-json-schema", action="store_true")
    args = vars(parser.parse_args(argv))
    serve(args.pop("host"), args.pop("port"), **args)


if __name__ == "__main__":
    main()
