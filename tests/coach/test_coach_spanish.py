"""The offline coach in Spanish: a session whose language is "es" is coached in Spanish from
the first follow-up to the summary, reads Spanish answers and passes the Spanish guard."""

import re
from datetime import date

import pytest

from service.coach import Coach, GuidedEngine, ModeFileError, SessionState, check, language
from service.coach.language.commitments import commitments_in
from service.coach.language.reading import classify_follow_up, parse_rating
from service.coach.mode_overlay import translate
from service.coach.modes import MODES_DIR
from tests.coach.conftest import make_context
from tests.coach.test_coach_guided_sessions import run

ES = language.get("es")
# what an English turn would hold: none of it may reach a Spanish rep
ENGLISH = re.compile(r"\b(?:It sounds like|What|How|Which|Noted|Done|Thanks|You|your|the|and|"
                     r"due|then|So|Partly|Not yet|I hear)\b")
REPLIES = [
    "Sí, la envié el lunes y ya la están revisando.",
    "Conseguí dos de las tres reuniones; la tercera empresa todavía no ha contestado.",
    "No estoy contenta. El valor cerrado bajó porque dos acuerdos se movieron al mes que viene, "
    "los dos esperando una firma de compras.",
    "La diferencia fue que dediqué menos tiempo a buscar clientes nuevos. Las renovaciones "
    "ocuparon casi toda mi semana.",
    "Puedo controlar mi agenda y el momento en que empiezo las renovaciones. Lo que no controlo "
    "es que compras revise los presupuestos dos veces, ni que el mercado esté más lento.",
    "Lo que más importa es proteger dos mañanas a la semana para prospección y pedir la fecha de "
    "firma en cada propuesta.",
    "Proteger esas mañanas y pedir siempre la fecha de firma antes de enviar una propuesta.",
    "Voy a llamar a los tres clientes nuevos antes del viernes y enviaré el plan de cierre a "
    "Contoso antes del fin de mes.",
    "Nada más por ahora, con eso tengo suficiente.",
    "Me ayudaría que mi jefa revisara conmigo el plan de cierre de Contoso, porque ella conoce a "
    "su director financiero.",
    "Me llevo que el problema empezó hace semanas, cuando dejé de buscar clientes nuevos.",
]


def spanish_context(**changes):
    context = make_context()
    context["language"] = "es"
    context["rep"]["name"] = "Lucía Fernández"
    context["periods"][0]["label"] = "febrero de 2025"
    context["periods"][1]["label"] = "enero de 2025"
    context["commitments"] = [
        {"id": 5, "text": "Enviar la propuesta revisada a Contoso", "due_date": "2025-03-03"},
        {"id": 6, "text": "Reservar tres reuniones con clientes nuevos de logística",
         "due_date": "2025-03-04", "measure": "3 reuniones"}]
    context["pre_call"]["objectives"] = ["confirmar el proceso de decisión",
                                         "acordar una fecha para revisar el piloto"]
    return {**context, **changes}


def play(mode_key, context, replies, due=()):
    coach = Coach(GuidedEngine())
    state = SessionState(mode=mode_key, stage="", context=context, due_commitments=list(due))
    turns = [run(coach.open(state))]
    turns += [run(coach.respond(state, reply)) for reply in replies]
    return coach, state, turns


def assert_coached_in_spanish(turns):
    for turn in turns:
        if turn.guard["outcome"] != "passed":
            # long past the mode's end the offline coach runs out of closing questions: the
            # guard names the repeat it is left with instead of passing it
            assert turn.intent == "close" and turn.guard["reasons"][0].startswith("repeat"), \
                (turn.text, turn.guard)
        wrap = turn.intent == "wrap"  # the session's last word asks nothing
        verdict = check(turn.text, lang=ES, offer_accepted=turn.intent == "idea",
                        require_open=turn.intent != "offer", closing=wrap)
        assert verdict.ok and verdict.questions == (0 if wrap else 1), (turn.text, verdict.reasons)
        assert wrap or "¿" in turn.text, turn.text
        assert not ENGLISH.search(turn.text), turn.text


def test_a_weekly_review_in_spanish_is_coached_and_summarised_in_spanish():
    context = spanish_context()
    coach, state, turns = play("weekly_review", context, REPLIES, context["commitments"])
    assert_coached_in_spanish(turns)
    texts = [t.text for t in turns]
    assert texts[0] == "¿Qué tal fue «Enviar la propuesta revisada a Contoso» (3 de marzo)?"
    assert texts[1].startswith("Hecho: la enviaste el lunes")
    assert texts[2].startswith("Hecho en parte: conseguiste dos de las tres reuniones.")
    assert "Febrero de 2025: cerraste 42.000 EUR (-5% sobre el mes anterior), el 84% de la cuota." \
        in texts[2]
    assert [a["value"] for a in state.flow.answers] == ["done", "partly"]
    assert all(a["source"] == "proposed" for a in state.flow.answers)
    assert any(t.startswith("Vas a llamar a los tres clientes nuevos para el viernes") for t in texts)
    assert len(set(texts)) == len(texts), "the coach repeated itself"
    assert state.flow.complete

    draft = coach.draft_summary(state)
    dated = {c["text"]: c["due_date"] for c in draft.commitments if c["due_date"]}
    assert dated == {"Llamar a los tres clientes nuevos": date(2025, 3, 7),  # the Friday
                     "Enviar el plan de cierre a Contoso": date(2025, 3, 31)}
    assert draft.summary.startswith("Revisión semanal con Lucía para febrero de 2025: valor "
                                    "cerrado 42.000 EUR, un 5% menos que el periodo anterior")
    for said in ("«enviar la propuesta revisada a Contoso» está hecho",
                 "está hecho en parte (consiguió dos de las tres reuniones)",
                 "Causas señaladas: internas, dedicó menos tiempo a buscar clientes nuevos",
                 "llamar a los tres clientes nuevos para el 7 de marzo",
                 "enviar el plan de cierre a Contoso para el 31 de marzo",
                 "Ayuda pedida: que su jefa revisara"):
        assert said in draft.summary, (said, draft.summary)
    assert not re.search(r"\b(?:the|with|Of the|commitments|Help asked|is done)\b",
                         draft.summary), draft.summary


@pytest.mark.parametrize(("answer", "status"), [
    ("Sí, la envié el lunes", "done"), ("la mitad", "partly"), ("dos de las tres", "partly"),
    ("todavía no", "not_yet"), ("Todavía no, se me fue la semana con renovaciones", "not_yet"),
    ("Lo descarté: ya no tiene sentido con el cambio de presupuesto", "dropped"),
])
def test_a_spanish_follow_up_proposes_its_status_and_says_it_back_in_spanish(answer, status):
    context = spanish_context()
    _, state, turns = play("weekly_review", context, [answer], context["commitments"][:1])
    assert classify_follow_up(answer, ES) == status
    assert state.flow.answers[0]["value"] == status
    lead = ES.phrasing.said_back.follow_up_leads[status]
    assert turns[1].text.startswith(lead), turns[1].text
    assert_coached_in_spanish(turns)


def test_a_spanish_commitment_is_dated_and_written_as_an_infinitive():
    thursday = date(2026, 12, 3)
    found = commitments_in("Voy a llamar a los tres clientes nuevos antes del viernes", thursday,
                           lang=ES)
    assert found == [{"text": "Llamar a los tres clientes nuevos", "due_date": date(2026, 12, 4),
                      "measure": "", "kind": "action"}]
    found = commitments_in("Reservaré al menos 5 reuniones la semana que viene y dejaré de "
                           "mandar correos masivos el mes que viene.", thursday, lang=ES)
    assert [(c["text"], c["due_date"], c["measure"], c["kind"]) for c in found] == [
        ("Reservar al menos 5 reuniones", date(2026, 12, 11), "al menos 5 reuniones", "action"),
        ("Dejar de mandar correos masivos", date(2027, 1, 31), "", "drop")]
    # 'por la mañana' is a time of day, not tomorrow; 'desde el lunes' is when it starts
    assert commitments_in("Voy a llamar a Contoso por la mañana", thursday, lang=ES)[0][
        "due_date"] is None
    assert commitments_in("Voy a bloquear dos horas desde el lunes", thursday, lang=ES)[0][
        "due_date"] is None


def test_a_spanish_rating_is_read_and_noted_with_the_skill_said_in_spanish():
    assert parse_rating("Diría que un 3", ES) == (3, "")
    context = spanish_context(skills_audit=None)
    _, state, turns = play("skills_audit", context,
                           ["Quiero ver dónde he perdido terreno.", "Diría que un 3"])
    assert turns[1].text.endswith("¿Cómo valoras tu nivel en prospección, del 1 al 5?"), turns[1].text
    assert state.flow.answers == [{"kind": "rating", "skill": "prospecting", "value": 3,
                                   "note": "", "source": "proposed"}]
    assert turns[2].text.startswith("Anotado: prospección, un 3.")
    assert "preguntas de descubrimiento" in turns[2].text
    assert_coached_in_spanish(turns)


SPANISH_ANSWERS = [
    "Dos acuerdos se retrasaron al mes que viene porque compras de Globex se quedó callada tras "
    "la auditoría.",
    "bien",
    "Comparado con enero dediqué menos tiempo a prospectar por la semana de la feria, y los "
    "presupuestos están congelados en dos de mis cuentas grandes.",
    "Puedo influir en mi tiempo de prospección y en la rapidez del seguimiento; las "
    "congelaciones vienen de fuera.",
    "Lo que más pesaría es bloquear dos mañanas a la semana para prospectar y responder en 48 "
    "horas después de cada demo.",
    "El cliente reaccionó bien a la idea del piloto, pero el director financiero preguntó dos "
    "veces por el precio.",
    "Voy a reservar 6 primeras reuniones antes del viernes y enviaré dos propuestas la semana "
    "que viene. Mantener la revisión del pipeline de los lunes.",
    "Me gustaría que mi responsable se uniera a la llamada con Globex el 12 de marzo para "
    "conocer al director financiero.",
]
RATINGS = ["3, abro bien pero pierdo impulso", "Diría que un 2 porque me salto las preguntas de "
           "dolor", "no sé", "4, demos claras", "3", "2, doy descuentos demasiado pronto",
           "3 de 5", "4, fuerte con clientes actuales", "2, dejo que los acuerdos se enfríen"]


@pytest.mark.parametrize("mode_key", ["weekly_review", "opportunity_strategy", "account_planning",
                                      "territory_planning", "pre_call_planning", "call_debrief",
                                      "skills_audit"])
def test_every_mode_is_coached_in_spanish(mode_key, modes):
    assert modes[mode_key].in_language("es") is not modes[mode_key], "no Spanish overlay"
    answers = SPANISH_ANSWERS * 3
    if mode_key == "skills_audit":
        answers = ["Quiero ver dónde he perdido terreno."] + RATINGS + SPANISH_ANSWERS
    context = spanish_context()
    _, state, turns = play(mode_key, context, answers)
    assert_coached_in_spanish(turns)
    coaching = [t.text for t in turns if t.intent != "close"]
    assert len(set(coaching)) == len(coaching), "the coach repeated itself"
    assert {t.stage for t in state.turns} == {s.key for s in modes[mode_key].stages}
    assert state.flow.complete


def test_a_mode_without_an_overlay_for_the_language_speaks_english(modes):
    mode = modes["weekly_review"]
    assert mode.in_language("de") is mode
    assert mode.in_language("es").in_language("en") is mode
    assert mode.in_language("es").stages[0].goal == mode.stages[0].goal  # for the model


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('key = "support"', 'key = "helping"'),
     r"es/weekly_review.toml: stages \(helping\): the mode has no such stage"),
    (lambda t: t.replace('summary = "Foco elegido: {p}."\n', ""),
     r"es/weekly_review.toml: stages\[2\] \(plan\).summary: needed exactly where"),
    (lambda t: t.replace('[[stages]]\nkey = "acknowledge"', '[[stages]]\nkey = "acknowledge"\n'
                         'goal = "Otra meta."'),
     r"es/weekly_review.toml: stages\[0\] \(acknowledge\).goal: unknown field"),
    (lambda t: t.replace('fallback = "¿Qué ayuda te lo pondría más fácil?"',
                         'fallback = "Cuéntame."'), r"must be a single question"),
])
def test_a_broken_overlay_fails_naming_the_file_and_the_field(tmp_path, modes, edit, message):
    folder = tmp_path / "es"
    folder.mkdir()
    text = (MODES_DIR / "es" / "weekly_review.toml").read_text(encoding="utf-8")
    (folder / "weekly_review.toml").write_text(edit(text), encoding="utf-8")
    with pytest.raises(ModeFileError, match=message):
        translate(modes["weekly_review"], folder / "weekly_review.toml")


@pytest.mark.parametrize(("text", "reason"), [
    ("Deberías llamar al cliente hoy. ¿Qué opinas?", "telling"),
    ("Te recomiendo bloquear las mañanas. ¿Cómo lo ves?", "telling"),
    ("Llama a Contoso mañana. ¿Cuándo puedes?", "imperative"),
    ("¡Buen trabajo! ¿Cómo sigues?", "empty praise"),
    ("¿Vas a llamar al cliente?", "closed question"),
    ("¿Qué vas a hacer? ¿Y cuándo?", "2 questions"),
])
def test_the_spanish_guard_rejects_telling_praise_and_closed_questions(text, reason):
    verdict = check(text, lang=ES)
    assert not verdict.ok and any(r.startswith(reason) or reason in r for r in verdict.reasons), \
        verdict.reasons


@pytest.mark.parametrize("text", [
    "Así que el valor cerrado bajó. ¿Qué fue distinto respecto al periodo anterior?",
    "De todo eso, ¿sobre qué puedes influir de verdad?", "Entonces, ¿cómo lo ves?",
    "¿Y qué más añadirías?", "Cuéntame qué pasó en la llamada?",
    # a point between digits ends no sentence: Spanish writes thousands with it
    "¿A quién necesitas de tu lado para ganar un acuerdo de 120.000 EUR como este?",
])
def test_the_spanish_guard_passes_one_open_question(text):
    assert check(text, lang=ES).ok, check(text, lang=ES).reasons
