"""Drafted commitments are structured from the rep's words (issue 11 item 3): the action, a real
due date relative to the session's today, a measure only when the rep named one, the kind, the
deal; nothing the rep did not commit to (a request for help, 'no help needed')."""

import json
import tomllib
from datetime import date

import pytest

from service.coach import Coach, GuidedEngine, SessionState, language
from service.coach.language import LANGUAGES_DIR
from service.coach.language.commitments import commitments_in
from service.coach.language.dates import find_date, parse
from service.coach.language.schema import FILES

SUNDAY = date(2026, 11, 22)
MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)
NEUTRAL = ("The customer listened carefully for most of the hour and asked about the rollout "
           "timeline, the support model and how other fleets of their size had started.")


def structured(text, today=SUNDAY, **kw):
    return [{k: c[k] for k in ("text", "due_date", "measure", "kind")}
            for c in commitments_in(text, today, **kw)]


@pytest.mark.parametrize("said, today, due", [
    ("by Friday", SUNDAY, date(2026, 11, 27)),
    ("by Friday", date(2026, 11, 27), date(2026, 12, 4)),  # said on a Friday: next week's
    ("next Wednesday", SUNDAY, date(2026, 11, 25)),
    ("next Wednesday", MONDAY, date(2026, 12, 2)),  # not the one two days away: 'by Wednesday'
    ("by Wednesday", MONDAY, date(2026, 11, 25)),
    ("end of month", SUNDAY, date(2026, 11, 30)),
    ("by the end of the month", date(2026, 12, 10), date(2026, 12, 31)),
    ("end of next week", SUNDAY, date(2026, 11, 27)),
    ("end of next week", MONDAY, date(2026, 12, 4)),
    ("tomorrow", date(2026, 12, 31), date(2027, 1, 1)),
    ("in two weeks", SUNDAY, date(2026, 12, 6)),
    ("in 3 days", SUNDAY, date(2026, 11, 25)),
    ("on 4 December", SUNDAY, date(2026, 12, 4)),
    ("by 12 March", SUNDAY, date(2027, 3, 12)),
    ("by 2026-12-15", SUNDAY, date(2026, 12, 15)),
    ("by the 5th", SUNDAY, date(2026, 12, 5)),
])
def test_a_due_date_is_a_real_date_relative_to_the_sessions_today(said, today, due):
    [found] = structured(f"I will send the deck {said}.", today)
    assert found["due_date"] == due and found["text"] == "Send the deck"


def test_two_prospecting_mornings_are_due_by_the_later_day_and_measured_by_the_calls():
    said = "Block two mornings for prospecting, Tuesday and Friday, 20 new calls each time"
    assert structured(said, MONDAY) == [{
        "text": "Block two mornings for prospecting, Tuesday and Friday",
        "due_date": date(2026, 11, 27), "measure": "20 new calls each time", "kind": "create"}]
    # said on a Wednesday, the coming Tuesday comes after the coming Friday
    assert structured(said, WEDNESDAY)[0]["due_date"] == date(2026, 12, 1)


@pytest.mark.parametrize("said", [
    "I'll call Anna tomorrow and by Friday I'll send the deck.",
    "Tomorrow I'll call Anna, and end of next week I will send the deck.",
])
def test_two_actions_in_one_sentence_keep_their_own_dates(said):
    assert [(c["text"], c["due_date"]) for c in structured(said, strict=True)] == [
        ("Call Anna", date(2026, 11, 23)), ("Send the deck", date(2026, 11, 27))]


@pytest.mark.parametrize("said, text", [
    ("I'll get the economic signer named by Friday.", "Get the economic signer named"),
    ("Economic signer named by Friday.", "Economic signer named"),
])
def test_an_outcome_by_a_date_is_a_commitment(said, text):
    assert structured(said) == [{"text": text, "due_date": date(2026, 11, 27), "measure": "",
                                 "kind": "action"}]


@pytest.mark.parametrize("said, text", [
    ("I'll review eight renewal accounts by Friday.", "Review eight renewal accounts"),
    ("I will send Globex a contract for three years by Friday.",
     "Send Globex a contract for three years"),
    ("I'll send a pilot proposal for 50 trucks by Friday.", "Send a pilot proposal for 50 trucks"),
    ("I will book 6 first meetings by Friday.", "Book 6 first meetings"),
    ("I will create a prospecting block of 2 hours by Friday.",
     "Create a prospecting block of 2 hours"),
])
def test_a_counted_noun_is_part_of_the_action_not_a_measure(said, text):
    assert structured(said) == [{"text": text, "due_date": date(2026, 11, 27), "measure": "",
                                 "kind": "action" if not text.startswith("Create") else "create"}]


@pytest.mark.parametrize("said, text, measure", [
    ("I will qualify my top deals by Friday, measured by 3 meetings booked.",
     "Qualify my top deals", "3 meetings booked"),
    ("I will book demos by Friday, at least 5 demos.", "Book demos", "at least 5 demos"),
    ("I will call lapsed accounts by Friday, 20 new calls each time.", "Call lapsed accounts",
     "20 new calls each time"),
    ("I will get 3 meetings booked by Friday.", "Get 3 meetings booked", "3 meetings booked"),
])
def test_a_measure_is_how_the_rep_says_they_will_know(said, text, measure):
    [found] = structured(said)
    assert (found["text"], found["measure"]) == (text, measure)


@pytest.mark.parametrize("said", [
    "I don't need any help.", "No help needed.", "No, I don't need any help, thanks.",
    "It would help if my manager joined the call.",
    "It would help if my manager joined the Globex call on Friday.",
    "I'd like my manager to join the call next week.",
])
def test_help_or_no_help_is_no_commitment(said):
    assert structured(said) == [] and structured(said, strict=True) == []


def drive(coach, state, stage):
    """Neutral answers until the coach has moved to ``stage``."""
    for _ in range(12):
        if state.stage == stage:
            return
        list(coach.respond(state, NEUTRAL))
    raise AssertionError(f"never reached {stage}, still at {state.stage}")


def start(mode, context, today):
    coach = Coach(GuidedEngine())
    state = SessionState(mode=mode, stage="", context={**context, "today": today.isoformat(),
                                                       "commitments": []})
    list(coach.open(state))
    return coach, state


def test_a_call_debrief_next_step_is_one_dated_commitment_on_the_deal_without_measure(context):
    coach, state = start("call_debrief", context, SUNDAY)
    drive(coach, state, "next_steps")
    list(coach.respond(state, "Next step is to send a pilot proposal for 50 trucks by next "
                              "Wednesday."))
    draft = coach.draft_summary(state)
    assert [(c["text"], c["due_date"], c["measure"], c["kind"], c["opportunity_id"])
            for c in draft.commitments] == [
        ("Send a pilot proposal for 50 trucks", date(2026, 11, 25), "", "action", 31)]
    assert "No dated commitment yet" not in draft.summary


def test_a_keep_drop_create_list_given_after_the_plan_step_is_three_commitments(context):
    coach, state = start("weekly_review", context, SUNDAY)
    drive(coach, state, "support")  # past the plan and commit stages
    list(coach.respond(state, "Keep the weekly pipeline review, drop the low-value renewal calls, "
                              "and create a Monday prospecting block starting next Monday."))
    expected = [("Keep the weekly pipeline review", None, "keep"),
                ("Drop the low-value renewal calls", None, "drop"),
                ("Create a Monday prospecting block starting next Monday", None, "create")]
    assert [(c["text"], c["due_date"], c["kind"]) for c in state.flow.heard] == expected
    assert {c["stage"] for c in state.flow.heard} == {"support"}
    draft = coach.draft_summary(state)
    assert [(c["text"], c["due_date"], c["kind"]) for c in draft.commitments] == expected


def test_before_the_plan_step_only_a_firm_dated_promise_counts(context):
    coach, state = start("weekly_review", context, SUNDAY)
    list(coach.respond(state, "Keep the weekly pipeline review, drop the low-value renewal calls. "
                              "I will call Anna tomorrow."))
    assert [(c["text"], c["due_date"]) for c in state.flow.heard] == [
        ("Call Anna", "2026-11-23")]


def test_no_help_said_at_the_help_step_adds_no_commitment(context):
    coach, state = start("weekly_review", context, SUNDAY)
    drive(coach, state, "support")
    list(coach.respond(state, "I don't need any help, no help needed this week."))
    assert state.flow.heard == [] and coach.draft_summary(state).commitments == []


# Spanish: English's folder with Spanish calendar words, date phrases and a few verbs; dateparser
# reads them in "es".
WEEKDAYS = [["lunes"], ["martes"], ["miércoles", "miercoles"], ["jueves"], ["viernes"],
            ["sábado", "sabado"], ["domingo"]]
MONTHS = [[m] for m in ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                        "septiembre", "octubre", "noviembre", "diciembre")]
SPANISH = {
    "calendar": {"weekdays": WEEKDAYS, "months": MONTHS, "numbers": [
        "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
        "once", "doce"]},
    "dates": {
        "locale": "es",
        "date": [r"\b\d{1,2} de (?:{month})\b", r"\b(?:en|dentro de) (?:\d+|{numbers:1-6}) "
                 r"(?:días|semanas|meses)\b", r"\bmañana\b"],
        "next_weekday": r"\bel próximo (?P<when>{weekday})\b",
        "weekdays": r"\b(?P<when>(?:{weekday})(?:\s*(?:,|y)\s*(?:el )?(?:{weekday}))+)\b",
        "weekday": r"\b(?:para el|antes del|el) (?P<when>{weekday})\b",
        "end_next_week": r"\bfinales de la próxima semana\b", "nth": r"\bel día (?P<day>\d{1,2})\b",
        "end_month": r"\b(?:a )?fin(?:ales)? de mes\b", "next_month": r"\bel mes que viene\b",
        "end_quarter": r"\bfin de trimestre\b",
        "next_week": r"\b(?:la próxima semana|la semana que viene)\b",
        "this_week": r"\besta semana\b", "today": r"\bhoy\b",
        "starts_before": r"\b(?:desde|a partir de)\s+$", "starts_with": r"^(?:desde)\b"},
    "commitments": {
        "action": ["enviar", "llamar", "preparar", "reservar"], "intent": r"\bvoy a\b",
        "lead_in": r"^(?:voy a)\s+",
        "before_date": r"\s*,?\s*\b(?:para|antes de|en|dentro de)?\s*"},
}


def toml(data: dict) -> str:
    def value(v):
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(i) for i in v) + "]"
        return "{ " + ", ".join(f"{json.dumps(k)} = {value(i)}" for k, i in v.items()) + " }"
    return "\n".join(f"[{section}]\n" + "\n".join(f"{json.dumps(k)} = {value(v)}"
                                                  for k, v in keys.items())
                     for section, keys in data.items()) + "\n"


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    folder = tmp_path_factory.mktemp("es")
    for name in FILES:
        data = tomllib.loads((LANGUAGES_DIR / "en" / name).read_text(encoding="utf-8"))
        if name == "lexicon.toml":
            for section, keys in SPANISH.items():
                data[section].update(keys)
        (folder / name).write_text(toml(data), encoding="utf-8")
    return language.register("es-test", folder)


@pytest.mark.parametrize("said, today, due", [
    ("el viernes", SUNDAY, date(2026, 11, 27)),
    ("para el viernes", date(2026, 11, 27), date(2026, 12, 4)),
    ("el próximo miércoles", MONDAY, date(2026, 12, 2)),
    ("la próxima semana", SUNDAY, date(2026, 11, 27)),
    ("la semana que viene", MONDAY, date(2026, 12, 4)),
    ("mañana", SUNDAY, date(2026, 11, 23)),
    ("en dos semanas", SUNDAY, date(2026, 12, 6)),
    ("a fin de mes", SUNDAY, date(2026, 11, 30)),
    ("el 4 de diciembre", SUNDAY, date(2026, 12, 4)),
])
def test_spanish_due_dates_are_read_in_spanish(spanish, said, today, due):
    assert find_date(f"Voy a enviar la propuesta {said}.", today, spanish)[0] == due


def test_a_spanish_commitment_is_structured_like_an_english_one(spanish):
    assert structured("Voy a enviar la propuesta el viernes.", lang=spanish) == [{
        "text": "Enviar la propuesta", "due_date": date(2026, 11, 27), "measure": "",
        "kind": "action"}]
    # read in the session's language only: an English day is no date in Spanish, and back
    assert find_date("Voy a enviarla el Friday.", SUNDAY, spanish) == (None, "")
    assert parse("viernes", SUNDAY, "en") is None and parse("Friday", SUNDAY, "es") is None
