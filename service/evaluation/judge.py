"""`flask coach eval --judge MODEL`: an OpenAI-compatible model codes each coach turn with the
rubric in prompts/judge.j2: it *answers* what the rep said, is *canned*, is *wrong* (garbled,
misread, re-asked, wrong language) or *tells*. The mechanical figures (listening.py) see the
shape of a line; only a reader sees whether it heard the rep, so a model reads it.

The judge reaches its server as the openai engine does (OPENAI_BASE_URL, OPENAI_API_KEY,
COACH_TIMEOUT, COACH_MAX_RETRIES), at temperature 0, one request per coach turn. It asks for a
``json_schema`` result and, when the server refuses that with a 400, for JSON in plain text.
An answer that is no valid code counts as *unparsed*, a request that fails as *failed*: the
judge never fails the eval, it reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import httpx2
import openai

from ..coach.prompt.render import env
from .figures import grid

CODES = ("answers", "canned", "wrong", "tells")
SCHEMA = {"type": "object", "additionalProperties": False, "required": ["code", "reason"],
          "properties": {"code": {"type": "string", "enum": list(CODES)},
                         "reason": {"type": "string"}}}
HISTORY = 6  # turns before the coach line: the rep's last answers and the coach's questions
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def make_client(config: Mapping) -> openai.OpenAI:
    return openai.OpenAI(api_key=config.get("OPENAI_API_KEY") or "not-set",
                         base_url=config.get("OPENAI_BASE_URL") or None,
                         timeout=float(config.get("COACH_TIMEOUT", 30)),
                         max_retries=int(config.get("COACH_MAX_RETRIES", 2)))


def parse(text: str) -> dict | None:
    """``{"code", "reason"}`` from the model's answer, or None when it is no valid code."""
    body = FENCE.sub("", (text or "").strip())
    start, end = body.find("{"), body.rfind("}")
    try:
        data = json.loads(body[start:end + 1]) if start >= 0 else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("code") not in CODES:
        return None
    return {"code": data["code"], "reason": str(data.get("reason") or "")[:300]}


class Judge:
    def __init__(self, client: openai.OpenAI, model: str):
        self.client, self.model = client, model
        self.schema_refused = False  # a server that refused json_schema once is not asked again

    def _ask(self, prompt: str) -> str:
        messages = [{"role": "user", "content": prompt}]
        if not self.schema_refused:
            try:
                return self._create(messages, response_format={"type": "json_schema", "json_schema": {
                    "name": "coach_turn_code", "schema": SCHEMA, "strict": True}})
            except openai.BadRequestError:
                self.schema_refused = True
        return self._create(messages)

    def _create(self, messages: list[dict], **extra) -> str:
        response = self.client.chat.completions.create(
            model=self.model, messages=messages, temperature=0, max_tokens=200, **extra)
        return (response.choices[0].message.content or "") if response.choices else ""

    def code_turn(self, mode: str, history: list[dict], line: str) -> dict:
        prompt = env.get_template("judge.j2").render(mode=mode, history=history, line=line)
        try:
            answer = self._ask(prompt)
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            return {"code": "failed", "reason": f"{type(exc).__name__}: {exc}"[:300]}
        return parse(answer) or {"code": "unparsed", "reason": answer[:300]}

    def code_session(self, mode: str, transcript: list[dict]) -> dict:
        """Every coach turn of ``transcript`` ([{"role", "text"}]) coded; counts, and shares of
        the turns the model coded (unparsed and failed ones left out of the shares)."""
        turns = []
        for index, turn in enumerate(transcript):
            if turn["role"] != "coach":
                continue
            history = [{"role": t["role"], "text": t["text"]}
                       for t in transcript[max(0, index - HISTORY):index]]
            turns.append({"text": turn["text"], **self.code_turn(mode, history, turn["text"])})
        counts = {code: sum(1 for t in turns if t["code"] == code)
                  for code in (*CODES, "unparsed", "failed")}
        coded = sum(counts[code] for code in CODES)
        return {"model": self.model, "counts": counts, "coded": coded,
                "shares": {code: round(counts[code] / coded, 3) if coded else None
                           for code in CODES},
                "turns": turns}


def judge_rows(rows: list[dict], judge: Judge, modes: Mapping) -> None:
    """Adds ``judge`` to every script that ran."""
    for row in rows:
        if "transcript" in row:
            mode = modes.get(row["mode"])
            row["judge"] = judge.code_session(mode.title if mode else row["mode"],
                                              row["transcript"])


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def judge_table(rows: list[dict]) -> str:
    judged = [r for r in rows if "judge" in r]
    cells = [["script", "coded", *CODES, "unparsed", "failed"]]
    total = dict.fromkeys((*CODES, "unparsed", "failed"), 0)
    for r in judged:
        found = r["judge"]
        cells.append([r["script"], str(found["coded"]),
                      *(f"{found['counts'][c]} ({_pct(found['shares'][c])})" for c in CODES),
                      str(found["counts"]["unparsed"]), str(found["counts"]["failed"])])
        for code in total:
            total[code] += found["counts"][code]
    coded = sum(total[c] for c in CODES)
    cells.append(["total", str(coded),
                  *(f"{total[c]} ({_pct(total[c] / coded if coded else None)})" for c in CODES),
                  str(total["unparsed"]), str(total["failed"])])
    model = judged[0]["judge"]["model"] if judged else "-"
    return f"Judge ({model}):\n" + grid(cells)
