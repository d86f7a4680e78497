"""`flask coach eval --judge MODEL`: each coach turn coded by an OpenAI-compatible model with the
rubric in prompts/judge.j2, against a fake server at the HTTP layer (httpx2.MockTransport)."""

import json

import httpx2
import openai
import pytest

from service.evaluation import judge as judge_module
from service.evaluation.judge import Judge, parse

TRANSCRIPT = [
    {"role": "coach", "text": "November: closed value EUR 42,000, 84% of quota. How do you read that?"},
    {"role": "rep", "text": "Two deals slid because my champion left."},
    {"role": "coach", "text": "So my champion left. What was different from the period before?"},
    {"role": "rep", "text": "Renewals took my week."},
    {"role": "coach", "text": "It sounds like renewals took your week. What did they crowd out?"},
    {"role": "rep", "text": "Prospecting, mostly."},
    {"role": "coach", "text": "You should block two hours a day for prospecting. How does that sound?"},
]


def completion(content: str) -> dict:
    return {"id": "j", "object": "chat.completion", "created": 1, "model": "judge-test",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 90, "completion_tokens": 12, "total_tokens": 102}}


class FakeJudgeServer:
    """Codes a coach line by what it says (as a careful reader would); records every request."""

    def __init__(self, *, refuse_schema=False, garble_first=False):
        self.requests, self.refuse_schema, self.garble_first = [], refuse_schema, garble_first

    def __call__(self, request):
        body = json.loads(request.content)
        self.requests.append(body)
        if self.refuse_schema and "response_format" in body:
            return httpx2.Response(400, json={"error": {"message": "json_schema not supported"}})
        prompt = body["messages"][-1]["content"]
        line = prompt.split("COACH LINE: ", 1)[1].split("\n", 1)[0]
        if self.garble_first and len(self.requests) <= (2 if self.refuse_schema else 1):
            return httpx2.Response(200, json=completion("I think this one is fine."))
        code = ("tells" if "You should" in line else "wrong" if "my champion" in line
                else "answers" if "renewals took your week" in line else "canned")
        content = json.dumps({"code": code, "reason": "because"})
        return httpx2.Response(200, json=completion(f"```json\n{content}\n```"
                                                    if self.refuse_schema else content))


def client_for(server) -> openai.OpenAI:
    return openai.OpenAI(api_key="k", base_url="http://fake/v1", max_retries=0,
                         http_client=httpx2.Client(transport=httpx2.MockTransport(server)))


def test_each_coach_turn_is_coded_and_the_shares_are_of_the_coded_turns():
    server = FakeJudgeServer()
    found = Judge(client_for(server), "judge-test").code_session("Weekly review", TRANSCRIPT)
    assert [t["code"] for t in found["turns"]] == ["canned", "wrong", "answers", "tells"]
    assert found["coded"] == 4 and found["counts"]["unparsed"] == found["counts"]["failed"] == 0
    assert found["shares"] == {"answers": 0.25, "canned": 0.25, "wrong": 0.25, "tells": 0.25}
    # one request per coach turn, at temperature 0, for a schema-bound code
    assert len(server.requests) == 4
    first, last = server.requests[0], server.requests[-1]
    assert first["model"] == "judge-test" and first["temperature"] == 0
    schema = first["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["code"]["enum"] == ["answers", "canned", "wrong", "tells"]
    # the rubric ships in prompts/judge.j2; the coach's opening has no history, later turns do
    assert "the coach's opening line" in first["messages"][0]["content"]
    prompt = last["messages"][-1]["content"]
    assert '"tells": the line gives advice' in prompt
    assert "REP: Prospecting, mostly." in prompt and prompt.count("COACH LINE:") == 1


def test_a_server_refusing_json_schema_is_asked_for_json_in_text_and_once_only():
    server = FakeJudgeServer(refuse_schema=True)
    found = Judge(client_for(server), "judge-test").code_session("Weekly review", TRANSCRIPT)
    assert [t["code"] for t in found["turns"]] == ["canned", "wrong", "answers", "tells"]
    assert ["response_format" in r for r in server.requests] == [True, False, False, False, False]


def test_an_answer_with_no_valid_code_is_unparsed_and_left_out_of_the_shares():
    server = FakeJudgeServer(garble_first=True)
    found = Judge(client_for(server), "judge-test").code_session("Weekly review", TRANSCRIPT)
    assert found["turns"][0] == {"text": TRANSCRIPT[0]["text"], "code": "unparsed",
                                 "reason": "I think this one is fine."}
    assert found["counts"]["unparsed"] == 1 and found["coded"] == 3
    assert found["shares"]["wrong"] == pytest.approx(0.333)


@pytest.mark.parametrize(("text", "code"), [
    ('{"code": "answers", "reason": "says back the slip"}', "answers"),
    ('Sure! {"code": "tells", "reason": "advice"} Hope that helps.', "tells"),
    ('{"code": "great", "reason": "?"}', None),
    ("not json at all", None),
    ('{"code": ', None),
])
def test_parse_takes_one_known_code_or_nothing(text, code):
    assert (parse(text) or {}).get("code") == code


def script_file(tmp_path) -> str:
    script = {"mode": "weekly_review", "rep": {"name": "Sam Rivera"},
              "figures": [{"months_ago": 1, "pipeline_count": 9, "closed_value": "30000",
                           "quota": "40000"}],
              "replies": ["Two deals slipped into next month because procurement stalled.",
                          "Renewals took my week, so I stopped calling new logos entirely."]}
    path = tmp_path / "judged.json"
    path.write_text(json.dumps(script), encoding="utf-8")
    return str(path)


def test_eval_with_judge_prints_the_codes_per_script_and_keeps_them_in_json(app, tmp_path,
                                                                           monkeypatch):
    server = FakeJudgeServer()
    monkeypatch.setattr(judge_module, "make_client", lambda config: client_for(server))
    path = script_file(tmp_path)
    out = app.test_cli_runner().invoke(args=["coach", "eval", "--judge", "judge-test", path])
    assert out.exit_code == 0, out.output
    assert "Judge (judge-test):" in out.output
    section = out.output.split("Judge (judge-test):\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines()[0].split() == ["script", "coded", "answers", "canned", "wrong",
                                               "tells", "unparsed", "failed"]
    coded = next(line.split() for line in section.splitlines() if line.startswith("judged.json"))
    turns = len(server.requests)
    assert coded[1] == str(turns) and coded[-2:] == ["0", "0"]
    server.requests.clear()
    data = json.loads(app.test_cli_runner().invoke(
        args=["coach", "eval", "--json", "--judge", "judge-test", path]).output)[0]["judge"]
    assert data["model"] == "judge-test" and len(data["turns"]) == turns == len(server.requests)
    assert sum(data["counts"].values()) == turns


def test_a_judge_server_that_is_down_is_reported_and_the_eval_still_passes(app, tmp_path,
                                                                        monkeypatch):
    def down(request):
        raise httpx2.ConnectError("connection refused")

    monkeypatch.setattr(judge_module, "make_client", lambda config: client_for(down))
    path = script_file(tmp_path)
    out = app.test_cli_runner().invoke(args=["coach", "eval", "--judge", "m", path])
    assert out.exit_code == 0 and "Traceback" not in out.output and "Judge (m):" in out.output
    row = json.loads(app.test_cli_runner().invoke(
        args=["coach", "eval", "--json", "--judge", "m", path]).output)[0]
    found = row["judge"]
    assert found["counts"]["failed"] == row["coach_turns"] >= 2 and found["coded"] == 0
    assert set(found["shares"].values()) == {None}
    assert found["turns"][0]["reason"].startswith("APIConnectionError")
