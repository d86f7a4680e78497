"""The record is true: a quick reply records the rep's answer, words alone only propose, and
what the manager sees is what the rep gave and confirmed (issue 11's reproductions, API)."""

from sqlalchemy import select

from models import Commitment, SkillAssessment


def send(api, token, sid, cmid, text="", choice=None):
    body = {"text": text, "client_message_id": cmid}
    if choice is not None:
        body["choice"] = choice
    return api.post(f"/sessions/{sid}/messages", token, json=body)


def stored(session, ids):
    session.expire_all()
    return {c.id: c for c in session.scalars(select(Commitment).where(Commitment.id.in_(ids)))}


def test_a_picked_follow_up_is_recorded_at_once_and_shown_to_the_manager(api, world, session, orgs):
    first_id, second_id = world.due_ids
    opened = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()
    sid, question = opened["id"], opened["messages"][0]
    assert question["choices"]["kind"] == "follow_up" and question["choices"]["about"] == first_id
    assert [o["label"] for o in question["choices"]["options"]] == \
        ["Done", "Partly", "Not yet", "Drop it"]

    turn = send(api, world.token, sid, "a", "Two of the three are booked, one went quiet.",
                "partly").get_json()
    assert turn["rep_message"]["choice"] == "partly"
    assert turn["reply"]["choices"]["about"] == second_id
    turn = send(api, world.token, sid, "b", choice="done").get_json()
    assert turn["rep_message"]["text"] == "Done"  # a choice alone reads as its label
    assert turn["reply"]["choices"] is None

    rows = stored(session, world.due_ids)
    assert (rows[first_id].follow_up, rows[first_id].status) == ("partly", "open")
    assert rows[first_id].outcome_note == "Two of the three are booked, one went quiet."
    assert (rows[second_id].follow_up, rows[second_id].status) == ("done", "done")
    assert rows[second_id].closed_at is not None and rows[second_id].outcome_note == ""
    manager = orgs["one"].tokens["manager_a"]
    seen = api.get(f"/commitments/{second_id}", manager).get_json()
    assert seen["status"] == "done"


def test_a_choice_the_coach_did_not_offer_is_refused_and_nothing_is_stored(api, world, session):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    refused = send(api, world.token, sid, "a", "yes", "4")
    assert refused.status_code == 422
    assert "done, partly, not_yet, dropped" in refused.get_json()["error"]["fields"]["choice"][0]
    messages = api.get(f"/sessions/{sid}", world.token).get_json()["messages"]
    assert [m["role"] for m in messages] == ["coach"]
    assert all(c.follow_up == "" and c.followed_up_session_id is None
               for c in stored(session, world.due_ids).values())


def test_words_in_another_language_propose_nothing_until_the_rep_picks(api, world, session):
    first_id, second_id = world.due_ids
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    said_back = send(api, world.token, sid, "a", "Sí, la envié el lunes.").get_json()["reply"]
    assert not said_back["text"].startswith(("Still open", "Not yet", "Done"))
    send(api, world.token, sid, "b", "I sent it on Tuesday, they are reviewing it now.")
    detail = api.get(f"/sessions/{sid}", world.token).get_json()
    answers = {a["commitment_id"]: a for a in detail["answers"]}
    assert answers[first_id]["value"] == "" and answers[first_id]["source"] == "proposed"
    assert answers[second_id]["value"] == "done"
    rows = stored(session, world.due_ids)
    assert all(c.status == "open" and c.follow_up == "" for c in rows.values())  # proposals

    api.post(f"/sessions/{sid}/end", world.token)
    corrected = api.patch(f"/sessions/{sid}/summary", world.token, json={"answers": [
        {"kind": "follow_up", "commitment_id": first_id, "value": "done"}]}).get_json()
    assert {a["commitment_id"]: a["source"] for a in corrected["answers"]}[first_id] == "choice"
    stored_answers = api.get(f"/sessions/{sid}", world.token).get_json()["answers"]
    assert {a["commitment_id"]: (a["source"], a["value"]) for a in stored_answers}[first_id] == \
        ("choice", "done")  # the correction is stored, not only answered back
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})
    rows = stored(session, world.due_ids)
    assert [rows[i].follow_up for i in world.due_ids] == ["done", "done"]
    assert rows[second_id].outcome_note == "I sent it on Tuesday, they are reviewing it now."


def test_a_correction_must_name_an_answer_of_the_session(api, world):
    sid = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()["id"]
    api.post(f"/sessions/{sid}/end", world.token)
    for answer, field in (({"kind": "follow_up", "commitment_id": 999999, "value": "done"},
                           "answers"),
                          ({"kind": "follow_up", "commitment_id": world.due_ids[0],
                            "value": "maybe"}, "answers"),
                          ({"kind": "rating", "skill": "closing", "value": "7"}, "answers")):
        refused = api.patch(f"/sessions/{sid}/summary", world.token, json={"answers": [answer]})
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"]


SAM = ["I want to know where to focus this quarter.",
       "Prospecting is probably a 2, I put off the phone blocks.",
       "Closing I'd give a 3, I rush the last step.",
       "Discovery is my strength, maybe a 4.",
       "4",
       "3 for closing, I said that already"]


def test_ratings_given_in_words_land_on_the_skill_named_and_only_on_confirmation(
        api, world, session, orgs):
    """Sam's audit: every rating is stored for the skill the rep named, none for a skill the
    rep never rated, nothing before the rep confirms."""
    sid = api.post("/sessions", world.token, json={"mode": "skills_audit"}).get_json()["id"]
    for cmid in ("due1", "due2"):  # the due commitments come first
        send(api, world.token, sid, cmid, choice="done")
    replies = [send(api, world.token, sid, f"s{i}", text).get_json()["reply"]
               for i, text in enumerate(SAM)]
    asked = [r["choices"]["about"] for r in replies if r["choices"]]
    assert asked[:3] == ["prospecting", "discovery", "discovery"]  # discovery not rated yet
    assert "Noted: closing at 3" in replies[2]["text"]
    assert asked.count("discovery") == 2 and "closing" not in asked  # rated in passing
    assert session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid)) \
        is None

    detail = api.get(f"/sessions/{sid}", world.token).get_json()
    given = {a["skill"]: a["value"] for a in detail["answers"] if a["kind"] == "rating"}
    assert given == {"prospecting": 2, "closing": 3, "discovery": 4, "qualification": 4}
    api.post(f"/sessions/{sid}/end", world.token)
    unheard = api.patch(f"/sessions/{sid}/summary", world.token, json={"answers": [
        {"kind": "rating", "skill": "presenting", "value": "3"}]})
    assert unheard.status_code == 422  # a correction names an answer the session heard
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})
    session.expire_all()
    assessment = session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid))
    assert {r.skill: r.rating for r in assessment.ratings} == given
    notes = {r.skill: r.note for r in assessment.ratings}
    assert notes["discovery"] == "Discovery is my strength" and notes["qualification"] == ""
    manager = orgs["one"].tokens["manager_a"]
    latest = api.get(f"/skills/assessments?rep_id={world.rep.id}", manager).get_json()["items"][0]
    assert {r["skill"]: r["rating"] for r in latest["ratings"]} == given


def test_a_rating_picked_is_the_rating_of_the_skill_asked(api, world, session):
    sid = api.post("/sessions", world.token, json={"mode": "skills_audit"}).get_json()["id"]
    for cmid in ("due1", "due2"):
        send(api, world.token, sid, cmid, choice="not_yet")
    reply = send(api, world.token, sid, "a", "Where I stand after six months.").get_json()["reply"]
    assert reply["choices"] == {"kind": "rating", "about": "prospecting", "options": [
        {"value": v, "label": v} for v in "12345"]}
    reply = send(api, world.token, sid, "b", "I avoid cold calls, closing is fine though.",
                 "2").get_json()["reply"]
    assert reply["choices"]["about"] == "discovery"
    api.post(f"/sessions/{sid}/end", world.token)
    api.patch(f"/sessions/{sid}/summary", world.token, json={"confirmed": True})
    session.expire_all()
    assessment = session.scalar(select(SkillAssessment).where(SkillAssessment.session_id == sid))
    assert [(r.skill, r.rating, r.note) for r in assessment.ratings] == \
        [("prospecting", 2, "I avoid cold calls, closing is fine though.")]
