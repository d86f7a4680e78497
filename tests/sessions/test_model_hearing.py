"""With a model the model hears, and what it hears in words is still only proposed: through the
API, the OpenAI engine against the local fake model server (loopback), nothing of a rating or a
follow-up status said in words is recorded before the rep confirms."""

import threading

import pytest
from sqlalchemy import select

from models import SkillAssessment
from service.coach.fake_llm import make_server

from .test_record import send, stored


@pytest.fixture
def model(app):
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(COACH_ENGINE="openai", OPENAI_BASE_URL=server.base_url,
                      OPENAI_API_KEY="x", COACH_MAX_RETRIES=0)
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_rating_the_model_hears_in_words_is_recorded_only_on_confirmation(
        api, world, session, model):
    sid = api.post("/sessions", world.token, json={"mode": "skills_audit"}).get_json()["id"]
    for cmid in ("due1", "due2"):  # picked: the due commitments are recorded at once
        send(api, world.token, sid, cmid, choice="done")
    reply = send(api, world.token, sid, "a", "I want to see where I stand after six months.")
    assert reply.get_json()["reply"]["choices"]["about"] == "prospecting"
    reply = send(api, world.token, sid, "b", "I'd say 2 out of 5, I put off the phone blocks.")
    assert reply.get_json()["reply"]["choices"]["about"] == "discovery"  # heard: moved on
    assert session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid)) \
        is None
    detail = api.get(f"/sessions/{sid}", world.token).get_json()
    assert [(a["skill"], a["value"]) for a in detail["answers"] if a["kind"] == "rating"] == [
        ("prospecting", 2)]
    api.post(f"/sessions/{sid}/end", world.token)
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})
    session.expire_all()
    assessment = session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid))
    assert [(r.skill, r.rating) for r in assessment.ratings] == [("prospecting", 2)]
    assert model.requests >= 4


def test_a_follow_up_status_the_model_hears_in_words_waits_for_confirmation(
        api, world, session, model):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    first = world.due_ids[0]
    send(api, world.token, sid, "a", "I booked all three of those meetings last week, done.")
    assert stored(session, [first])[first].status == "open"  # proposed, not recorded
    detail = api.get(f"/sessions/{sid}", world.token).get_json()
    [heard] = [a for a in detail["answers"] if a["kind"] == "follow_up"]
    assert (heard["commitment_id"], heard["value"]) == (first, "done")
    api.post(f"/sessions/{sid}/end", world.token)
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})
    assert stored(session, [first])[first].status == "done"
