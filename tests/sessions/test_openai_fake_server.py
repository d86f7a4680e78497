"""The same session through the OpenAI engine against the local fake model server (loopback)."""

import threading

import pytest

from service.coach.fake_llm import make_server

from .conftest import sse_events


@pytest.fixture
def fake_server():
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_session_streams_through_the_openai_engine(app, api, world, fake_server):
    app.config.update(COACH_ENGINE="openai", OPENAI_BASE_URL=fake_server.base_url,
                      OPENAI_API_KEY="x", COACH_MAX_RETRIES=0)
    token = world.token
    sid = api.post("/sessions", token, json={"mode": "weekly_review"}).get_json()["id"]
    answers = ["I booked two of the three meetings.", "The proposal slipped a week.",
               "Closed value dropped because two deals slid into next month."]
    for index, text in enumerate(answers):
        response = api.post(f"/sessions/{sid}/messages", token,
                            json={"text": text, "client_message_id": f"o{index}"},
                            headers={"Accept": "text/event-stream"})
        events = sse_events(response.get_data(as_text=True))
        assert events[-1][0] == "done", events
    assert sum(1 for name, _ in events if name == "delta") > 1  # the model's reply streamed
    detail = api.get(f"/sessions/{sid}", token).get_json()
    model_turn = detail["messages"][-1]
    assert model_turn["role"] == "coach" and model_turn["text"] == events[-1][1]["text"]
    assert model_turn["text"].endswith("?")
    ended = api.post(f"/sessions/{sid}/end", token).get_json()
    assert ended["status"] == "ended" and ended["summary"]
    assert fake_server.requests >= 2
