"""Access logs: one JSON line per request on stdout, with the request id the client sees."""

import json
import logging

from service.request_log import JsonFormatter


def access_lines(capsys):
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return [entry for entry in lines if entry["logger"] == "salescoach.access"]


def test_each_request_gets_an_id_in_the_response_and_the_log(api, orgs, capsys):
    capsys.readouterr()
    response = api.get("/me", orgs["one"].tokens["rep_a1"])
    assert response.status_code == 200
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32
    (entry,) = [e for e in access_lines(capsys) if e["path"] == "/api/v1/me"]
    assert entry["request_id"] == rid
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["user_id"] == orgs["one"].users["rep_a1"].id
    assert entry["org_id"] == orgs["one"].id
    assert entry["duration_ms"] >= 0 and entry["bytes"] > 0
    assert entry["level"] == "info" and entry["ts"].endswith("+00:00")


def test_an_incoming_request_id_is_kept_and_a_bad_one_replaced(api, capsys):
    kept = api.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert kept.headers["X-Request-ID"] == "lb-1234.abc"
    replaced = api.get("/healthz", headers={"X-Request-ID": "evil\"id with spaces" + "x" * 200})
    assert replaced.headers["X-Request-ID"] != "evil\"id with spaces"
    assert len(replaced.headers["X-Request-ID"]) == 32
    ids = [e["request_id"] for e in access_lines(capsys)]
    assert "lb-1234.abc" in ids and replaced.headers["X-Request-ID"] in ids


def test_errors_are_logged_with_their_status_and_id(api, capsys):
    response = api.get("/me")
    assert response.status_code == 401
    assert response.headers["X-Request-ID"]
    entry = access_lines(capsys)[-1]
    assert entry["status"] == 401 and entry["user_id"] is None
    assert entry["request_id"] == response.headers["X-Request-ID"]


def test_the_formatter_writes_one_json_object_with_extras_and_exceptions():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",),
                                   sys.exc_info())
    record.fields = {"session_id": 7}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed here" and entry["session_id"] == 7
    assert "ValueError: boom" in entry["exception"]


def test_the_development_server_logs_each_request_once_without_colour_codes(app, live_server, capsys):
    """Under `flask run` werkzeug writes its own line per request (coloured on a terminal): our
    JSON access line says it already, so only that one is written, and no ANSI code reaches JSON."""
    import urllib.error
    import urllib.request

    from werkzeug._internal import _log
    from werkzeug.serving import _ansi_style

    capsys.readouterr()
    try:
        urllib.request.urlopen(live_server.url + "/no-such-page")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
    _log("info", _ansi_style("Press CTRL+C to quit", "yellow"))  # a start-up line stays, plain
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(lines) == len(out.splitlines())  # every line is JSON
    assert [e["logger"] for e in lines if "/no-such-page" in e["message"]] == ["salescoach.access"]
    assert "\x1b" not in out and "\\u001b" not in out
    assert any(e["message"] == "Press CTRL+C to quit" and e["logger"] == "werkzeug" for e in lines)
