"""`flask coach eval` measures the record: what a script's rep gave, against what the confirmed
session stored; failures are told in words, with exit 1, and never as a traceback."""

import json
from datetime import date

import pytest

from service.evaluation.expect import ExpectError, expected_due

DUE = [{"text": "Send the agenda to Litware", "due_in_days": -1},
       {"text": "Call the five stalled renewal accounts", "due_in_days": 0}]


def audit(expect: dict, **extra) -> dict:
    """A skills audit that ends before any plan: two follow-ups and three ratings, all picked
    (or typed and picked in the end view), so what is stored does not hang on reading words."""
    return {"name": "audit", "mode": "skills_audit", "rep": {"name": "Sam Rivera"},
            "figures": [{"months_ago": 1, "pipeline_count": 9, "closed_value": "30000",
                         "quota": "40000"}],
            "commitments": DUE,
            "replies": [{"text": "Sent on Monday, they added a point.", "choice": "done"},
                        "Ya llamé a tres de las cinco.",
                        "I want to see where to focus this quarter and why my pipeline is thin.",
                        {"text": "I put off the phone blocks.", "choice": "2"},
                        {"choice": "4"},
                        {"text": "I qualify hard on budget.", "choice": "3"}],
            "end_answers": [{"kind": "follow_up", "text_contains": "five stalled",
                             "value": "partly"}],
            "expect": expect, **extra}


RIGHT = {"follow_ups": [{"text_contains": "agenda", "status": "done"},
                        {"text_contains": "five stalled", "status": "partly"}],
         "ratings": [{"skill": "prospecting", "rating": 2}, {"skill": "discovery", "rating": 4},
                     {"skill": "qualification", "rating": 3}]}


def write(tmp_path, name: str, script) -> str:
    path = tmp_path / name
    path.write_text(script if isinstance(script, str) else json.dumps(script), encoding="utf-8")
    return str(path)


def run(app, *paths, json_out=False):
    args = ["coach", "eval", *(["--json"] if json_out else []), *paths]
    result = app.test_cli_runner().invoke(args=args)
    assert "Traceback" not in result.output
    return result


def row_of(output: str, name: str) -> list[str]:
    """The script's row in the record table (the last table naming it)."""
    return [line.split() for line in output.splitlines() if line.startswith(name + " ")][-1]


def test_an_expect_block_the_record_matches_passes(app, tmp_path):
    result = run(app, write(tmp_path, "right.json", audit(RIGHT)))
    assert result.exit_code == 0, result.output
    assert row_of(result.output, "right.json")[-5:] == ["5/5", "100%", "0", "0", "ok"]
    assert row_of(result.output, "total")[-5:] == ["5/5", "100%", "0", "0", "ok"]
    assert "Failures" not in result.output


def test_a_wrong_expected_status_is_a_failure_saying_what_was_stored(app, tmp_path):
    wrong = {**RIGHT, "follow_ups": [{"text_contains": "agenda", "status": "partly"},
                                     RIGHT["follow_ups"][1]]}
    result = run(app, write(tmp_path, "wrong.json", audit(wrong)))
    assert result.exit_code == 1
    assert row_of(result.output, "wrong.json")[-5:] == ["4/5", "80%", "0", "0", "FAILED"]
    assert "wrong.json: follow-up 'agenda': expected partly; stored done" in result.output


def test_a_rating_nobody_expected_is_counted_as_unrequested(app, tmp_path):
    fewer = {**RIGHT, "ratings": RIGHT["ratings"][:2]}
    result = run(app, write(tmp_path, "extra.json", audit(fewer)))
    assert result.exit_code == 1
    assert row_of(result.output, "extra.json")[-5:] == ["4/4", "100%", "1", "0", "FAILED"]
    assert "extra.json: unrequested: rating qualification 3" in result.output


def test_a_summary_never_phrase_in_the_summary_is_a_leak(app, tmp_path):
    leaky = {**RIGHT, "summary_never": ["SEND THE AGENDA", "a 50% discount"]}
    result = run(app, write(tmp_path, "leak.json", audit(leaky)), json_out=True)
    assert result.exit_code == 1
    record = json.loads(result.output)[0]["record"]
    assert record["leaks"] == ["SEND THE AGENDA"] and record["right"] == record["expected"] == 5


def test_a_crashing_script_fails_alone_and_the_others_still_run(app, tmp_path):
    broken = write(tmp_path, "a_broken.json", '{"mode": "weekly_review", "replies": [')
    unknown = write(tmp_path, "b_unknown.json", audit(RIGHT, mode="astrology"))
    good = write(tmp_path, "c_good.json", audit(RIGHT))
    result = run(app, broken, unknown, good)
    assert result.exit_code == 1
    assert row_of(result.output, "c_good.json")[-1] == "ok"
    assert row_of(result.output, "total")[-4:] == ["2", "of", "3", "failed"]
    assert "a_broken.json: crashed: JSONDecodeError" in result.output
    assert "b_unknown.json: crashed: Invalid" in result.output
    assert row_of(result.output, "a_broken.json")[-3:] == ["FAILED", "(see", "below)"]


def test_a_choice_the_coach_did_not_offer_fails_the_script_in_words(app, tmp_path):
    script = audit(RIGHT)
    script["replies"][0] = {"text": "Sent it.", "choice": "4"}
    result = run(app, write(tmp_path, "offer.json", script))
    assert result.exit_code == 1
    assert ("offer.json: reply 1 (choice '4'): the coach did not offer it. "
            "Choose one of: done, partly, not_yet, dropped.") in result.output


def test_an_expect_naming_no_due_commitment_is_a_script_error(app, tmp_path):
    script = audit({"follow_ups": [{"text_contains": "nowhere", "status": "done"}]})
    result = run(app, write(tmp_path, "typo.json", script))
    assert result.exit_code == 1
    assert "typo.json: follow_ups: no due commitment contains 'nowhere'" in result.output


@pytest.mark.parametrize(("item", "due"), [
    ({"due_in_days": 3}, date(2026, 12, 6)),
    ({"due_in_days": None}, None),
    ({"due_weekday": "friday"}, date(2026, 12, 4)),
    ({"due_weekday": "Thursday"}, date(2026, 12, 10)),      # today's weekday: a week on
    ({"due_weekday": "next friday"}, date(2026, 12, 11)),   # the Friday of next week
    ({"due_weekday": "next monday"}, date(2026, 12, 7)),
    ({"due_day_of_month": 20}, date(2026, 12, 20)),
    ({"due_day_of_month": 1}, date(2027, 1, 1)),
    ({"due_month_end": 0}, date(2026, 12, 31)),
    ({"due_month_end": 2}, date(2027, 2, 28)),
])
def test_expected_due_dates_resolve_from_today(item, due):
    assert expected_due(item, date(2026, 12, 3)) == (True, due)  # a Thursday


def test_an_item_without_a_due_key_does_not_check_the_date_and_a_bad_weekday_is_refused():
    assert expected_due({"measure": None}, date(2026, 12, 3)) == (False, None)
    with pytest.raises(ExpectError):
        expected_due({"due_weekday": "someday"}, date(2026, 12, 3))


def test_a_model_summary_that_fails_fails_its_script_in_words(app, tmp_path):
    """Through the OpenAI engine (httpx2.MockTransport): replies stream, the first summary is
    not a summary; that script is reported failed, the next one still runs and passes."""
    import httpx2
    import openai

    from service.coach.engines.openai import OpenAIEngine
    from tests.coach.test_coach_openai import completion, sse, stream_response

    summaries = [json.dumps({"summary": 3}),
                 json.dumps({"summary": "s", "commitments": [], "help_asked": ""})]

    def server(request):
        if not json.loads(request.content).get("stream"):  # replies stream, the summary not
            return httpx2.Response(200, json=completion(summaries.pop(0)))
        return stream_response(sse("So that is where you are. What made the difference?"))

    client = openai.OpenAI(api_key="k", base_url="http://fake/v1", max_retries=0,
                           http_client=httpx2.Client(transport=httpx2.MockTransport(server)))
    app.config["COACH_ENGINE_INSTANCE"] = OpenAIEngine(model="m", client=client)
    script = audit(None)
    del script["expect"], script["end_answers"]
    first, second = write(tmp_path, "a.json", script), write(tmp_path, "b.json", script)
    result = run(app, first, second)
    assert result.exit_code == 1
    assert "a.json: the summary failed: EngineBadOutput: summary does not match the schema" \
        in result.output
    assert row_of(result.output, "a.json")[-3:] == ["FAILED", "(see", "below)"]
    assert row_of(result.output, "b.json")[-3:] == ["no", "expect", "block"]
    assert row_of(result.output, "total")[-4:] == ["1", "of", "2", "failed"]
