"""A session's language: the rep's locale, else read from their first message, changeable; the
offline coach says plainly when it cannot coach in it, a model is told to coach in it."""

import pytest

from models import CoachingSession
from service.coach import language

SPANISH = ("Sí, reservé dos de las tres reuniones; la tercera empresa todavía no ha contestado "
           "aunque les escribí dos veces.")
GERMAN = ("Ja, zwei der drei Termine habe ich gebucht, die dritte Firma hat sich noch nicht "
          "gemeldet, obwohl ich zweimal geschrieben habe.")
ENGLISH = "I booked two of the three meetings; the third company has not answered my emails yet."
NOTICE_LEAD = f"The built-in coach speaks {language.names(language.coached())}, not German"


def start(api, world, **extra):
    response = api.post("/sessions", world.token, json={"mode": "weekly_review", **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def say(api, world, session_id, text, cid):
    response = api.post(f"/sessions/{session_id}/messages", world.token,
                        json={"text": text, "client_message_id": cid})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reply"]["text"]


def language_of(api, world, session_id) -> str:
    return api.get(f"/sessions/{session_id}", world.token).get_json()["language"]


def stored_context(session, session_id) -> dict:
    session.expire_all()
    return session.get(CoachingSession, session_id).state["context"]


def test_a_session_starts_in_the_reps_locale_and_keeps_it(api, world, orgs, session):
    api.patch(f"/users/{world.rep.id}", orgs["one"].tokens["admin"], json={"locale": "es"})
    body = start(api, world)
    assert body["language"] == "es"
    say(api, world, body["id"], ENGLISH, "m1")  # a locale is never second-guessed
    assert language_of(api, world, body["id"]) == "es"
    assert stored_context(session, body["id"])["language_source"] == "locale"


@pytest.mark.parametrize(("text", "code"), [(SPANISH, "es"), (GERMAN, "de"), (ENGLISH, "en")])
def test_without_a_locale_the_first_message_tells_the_language(api, world, session, text, code):
    body = start(api, world)
    assert body["language"] == "en"
    say(api, world, body["id"], text, "m1")
    assert language_of(api, world, body["id"]) == code
    context = stored_context(session, body["id"])
    assert (context["language"], context["language_source"]) == (code, "detected")
    say(api, world, body["id"], GERMAN if code != "de" else SPANISH, "m2")  # settled: stays
    assert language_of(api, world, body["id"]) == code


def test_a_three_word_message_does_not_flip_it(api, world, session):
    body = start(api, world)
    say(api, world, body["id"], "Hola, qué tal", "m1")
    assert language_of(api, world, body["id"]) == "en"
    assert stored_context(session, body["id"])["language_source"] == "default"
    say(api, world, body["id"], "Fabrikam, Contoso, Northwind y Tailspin.", "m2")  # names only
    assert language_of(api, world, body["id"]) == "en"


def test_the_language_changes_mid_session(api, world, session):
    body = start(api, world)
    say(api, world, body["id"], ENGLISH, "m1")
    changed = api.patch(f"/sessions/{body['id']}", world.token, json={"language": "de"})
    assert changed.status_code == 200 and changed.get_json()["language"] == "de"
    assert stored_context(session, body["id"])["language_source"] == "chosen"
    reply = say(api, world, body["id"], "The proposal went out on time on Monday.", "m2")
    assert reply.startswith(NOTICE_LEAD) and "so I'll carry on in English." in reply
    assert reply.endswith("?") and reply.count("The built-in coach") == 1
    later = say(api, world, body["id"], SPANISH, "m3")  # chosen: a message never flips it
    assert "built-in coach" not in later and language_of(api, world, body["id"]) == "de"
    back = api.patch(f"/sessions/{body['id']}", world.token, json={"language": "en"})
    assert back.get_json()["language"] == "en"


def test_a_language_change_is_checked(api, world, orgs):
    body = start(api, world)
    unknown = api.patch(f"/sessions/{body['id']}", world.token, json={"language": "xx"})
    assert unknown.status_code == 422 and "en" in unknown.get_json()["error"]["fields"]["language"][0]
    other = api.patch(f"/sessions/{body['id']}", orgs["one"].tokens["rep_a2"],
                      json={"language": "es"})
    assert other.status_code == 404
    api.post(f"/sessions/{body['id']}/end", world.token)
    ended = api.patch(f"/sessions/{body['id']}", world.token, json={"language": "es"})
    assert ended.status_code == 409 and language_of(api, world, body["id"]) == "en"


def test_the_offline_coach_says_plainly_it_goes_on_in_english_for_german(api, world, orgs):
    api.patch(f"/users/{world.rep.id}", orgs["one"].tokens["admin"], json={"locale": "de"})
    body = start(api, world)
    opening = body["messages"][0]["text"]
    assert opening.startswith(f"{NOTICE_LEAD}, so I'll carry on in English. You committed to")
    assert body["messages"][0]["guard_outcome"] == "passed"
    reply = say(api, world, body["id"], GERMAN, "m1")
    assert "built-in coach" not in reply  # said once


def test_a_session_can_start_in_a_chosen_language(api, world):
    assert start(api, world, language="fr")["language"] == "fr"


def past_follow_ups(api, world, fake, session_id):
    """Answer the two due follow-ups (the flow's own questions): the engine speaks next."""
    say(api, world, session_id, GERMAN, "f1")
    fake.enqueue("Ihr Abschlusswert ist diesen Monat gesunken. Wie sehen Sie das?")
    return say(api, world, session_id, "Das Angebot ging am Montag pünktlich raus.", "f2")


def test_a_model_is_told_to_coach_in_the_language_and_gives_no_notice(api, world, fake):
    body = start(api, world)
    reply = past_follow_ups(api, world, fake, body["id"])
    assert reply == "Ihr Abschlusswert ist diesen Monat gesunken. Wie sehen Sie das?"
    system = fake.history[-1].messages[0]["content"]
    assert "Write every reply in German" in system and "in English" not in system


def test_a_models_reply_is_guarded_in_the_sessions_language(api, world, fake, session):
    body = start(api, world)
    past_follow_ups(api, world, fake, body["id"])
    fake.enqueue("Sie sollten den Einkauf morgen anrufen. Was denken Sie?",
                 "Was hat sich bei den zwei verschobenen Abschlüssen geändert?")
    said = api.post(f"/sessions/{body['id']}/messages", world.token,
                    json={"text": "Zwei Abschlüsse sind in den nächsten Monat gerutscht.",
                          "client_message_id": "m3"}).get_json()["reply"]
    assert said["text"] == "Was hat sich bei den zwei verschobenen Abschlüssen geändert?"
    assert said["guard_outcome"] == "regenerated"
    assert any("Sie sollten" in r for r in said["guard_reasons"])
    assert "Sie sollten" in fake.history[-1].correction


def test_the_summary_prompt_names_the_language(api, world, fake):
    body = start(api, world, language="es")
    say(api, world, body["id"], SPANISH, "f1")
    fake.enqueue({"summary": "La representante revisó sus reuniones.", "commitments": [],
                  "help_asked": ""})
    api.post(f"/sessions/{body['id']}/end", world.token)
    system = fake.history[-1].messages[0]["content"]
    assert "write the summary and help_asked in Spanish" in system


def test_a_change_rewords_the_figures_periods(api, world, session):
    body = start(api, world)
    english = [p["label"] for p in stored_context(session, body["id"])["periods"]]
    api.patch(f"/sessions/{body['id']}", world.token, json={"language": "es"})
    spanish = [p["label"] for p in stored_context(session, body["id"])["periods"]]
    months = language.get("es").lexicon.calendar.months
    assert spanish != english and len(spanish) == len(english) >= 2
    assert all(any(months.written(i) in label for i in range(12)) for label in spanish)
