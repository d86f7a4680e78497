"""A language is a folder of data: every shipped one loads whole, a broken one says where."""

import json
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from models import Base, KpiSnapshot, Organization, User
from models.db import make_engine
from service.coach import language
from service.coach.language import LANGUAGES_DIR, LanguageFileError
from service.coach.language.schema import FILES
from service.coach.prompt.context_block import render_context_block
from service.coach.prompt.render import render_text
from service.sessions.context import build_context

EN = LANGUAGES_DIR / "en"


def toml(data: dict) -> str:
    """TOML for a language file's tables (strings, lists and inline tables only)."""
    def value(v):
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(i) for i in v) + "]"
        return "{ " + ", ".join(f"{json.dumps(k)} = {value(i)}" for k, i in v.items()) + " }"

    return "\n".join(f"[{section}]\n" + "\n".join(f"{json.dumps(k)} = {value(v)}"
                                                  for k, v in keys.items())
                     for section, keys in data.items()) + "\n"


def english(name: str) -> dict:
    return tomllib.loads((EN / name).read_text(encoding="utf-8"))


def write_language(folder: Path, changes: dict[str, dict] | None = None) -> Path:
    """English with ``changes`` ({file: {section: {key: value or None to drop it}}})."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        data = english(name)
        for section, keys in (changes or {}).get(name, {}).items():
            for key, v in keys.items():
                if v is None:
                    data[section].pop(key)
                else:
                    data.setdefault(section, {})[key] = v
        (folder / name).write_text(toml(data), encoding="utf-8")
    return folder


@pytest.mark.parametrize("code", language.shipped())
def test_every_shipped_language_loads_with_every_key(code):
    lang = language.load(LANGUAGES_DIR / code)
    for name, spec in FILES.items():
        tables = getattr(lang, Path(name).stem)
        for section, keys in spec.items():
            assert set(vars(getattr(tables, section))) == set(keys), (code, name, section)


@pytest.mark.parametrize(("changes", "message"), [
    ({"guard.toml": {"praise": {"phrases": None}}}, "xx/guard.toml: praise.phrases: missing key"),
    ({"guard.toml": {"praise": {"praises": ["nice"]}}},
     "xx/guard.toml: praise.praises: unknown key"),
    ({"guard.toml": {"prase": {"phrases": ["nice"]}}}, "xx/guard.toml: [prase]: unknown section"),
    ({"lexicon.toml": {"guard": {"praise": ["nice"]}}}, "xx/lexicon.toml: [guard]: unknown section"),
    ({"lexicon.toml": {"reading": {"yes": "(yes"}}}, "xx/lexicon.toml: reading.yes: not a valid regex"),
    ({"lexicon.toml": {"reading": {"vague": "{months}"}}},
     "xx/lexicon.toml: reading.vague: unknown placeholder {months}"),
    ({"lexicon.toml": {"dates": {"nth": r"\bthe (\d+)th\b"}}},
     "xx/lexicon.toml: dates.nth: needs the named group(s) (?P<day>...)"),
    ({"lexicon.toml": {"calendar": {"weekdays": [["Monday"]]}}},
     "xx/lexicon.toml: calendar.weekdays: must list exactly 7 entries"),
    ({"guard.toml": {"telling": {"imperatives": []}}},
     "xx/guard.toml: telling.imperatives: must be a non-empty list"),
    ({"phrasing.toml": {"reflect": {"frames": ["So {phrase}."]}}},
     "xx/phrasing.toml: reflect.frames: unknown placeholder {phrase} (allowed: {p}, {P})"),
    ({"phrasing.toml": {"said_back": {"follow_up_leads": {"done": "Done"}}}},
     "xx/phrasing.toml: said_back.follow_up_leads: missing key 'partly'"),
])
def test_a_malformed_language_fails_naming_the_file_and_the_key(tmp_path, changes, message):
    folder = write_language(tmp_path / "xx", changes)
    with pytest.raises(LanguageFileError) as failure:
        language.load(folder)
    assert str(failure.value).startswith(message)


def test_a_missing_file_or_broken_toml_says_which(tmp_path):
    folder = write_language(tmp_path / "xx")
    (folder / "phrasing.toml").write_text("[reflect\n", encoding="utf-8")
    with pytest.raises(LanguageFileError, match=r"^xx/phrasing.toml: not valid TOML"):
        language.load(folder)
    (folder / "phrasing.toml").unlink()
    with pytest.raises(LanguageFileError, match=r"^xx/phrasing.toml: missing"):
        language.load(folder)


def test_an_unknown_language_code_is_refused():
    with pytest.raises(LookupError, match="no language 'zz'"):
        language.get("zz")
    with pytest.raises(LookupError):
        language.get("../en")


def test_the_english_folder_is_what_get_returns_and_it_is_loaded_once():
    assert language.get("en") is language.get() is language.of({}) is language.ENGLISH
    assert language.of({"language": "en"}) is language.ENGLISH


def test_a_registered_folder_is_used_for_its_code(tmp_path):
    folder = write_language(tmp_path / "toy", {"phrasing.toml": {"dates": {"today": "heute"}}})
    lang = language.register("yy", folder)
    assert language.get("yy") is lang and lang.code == "yy"
    assert lang.phrasing.dates.today == "heute"


# A made-up language: its own open word, telling, praise, yes, ask and vague words, its own
# lines; everything else is English's.
TOY = {
    "lexicon.toml": {
        "calendar": {"months": [[m] for m in ("Jenn", "Fehb", "Marx", "Aprl", "Mai", "Juin",
                                              "Jool", "Ogst", "Seps", "Okto", "Novo", "Dezz")]},
        "reading": {"asks_for_answer": r"\bblorp\b", "yes": r"^\W*(?:yesh|klar)\b",
                    "no": r"^\W*(?:nope)\b", "vague": r"\b(?:meh|bof)\b"},
        "follow_up": {"done": r"\bfertig\b", "dropped": r"\bweg\b", "not_done": r"\bnoch nicht\b"},
        # its own small words: a message with few of them is not said back in this language
        "reflect": {"own_words": ["der", "die", "das", "den", "hat", "ist", "und", "zu"]},
    },
    "guard.toml": {
        "language": {"name": "Toy"},
        "questions": {"open_starts": ["qua", "quo"], "open_lead_ins": r"^(?:also)\b[,\s]*",
                      "advice": [r"\bhast du probiert\b"]},
        "telling": {"phrases": [r"\bdu musst\b"], "imperatives": ["mach"]},
        "praise": {"phrases": [r"\bsuperbo\b", r"\bbravissimo\b"]},
    },
    "phrasing.toml": {
        "dates": {"day_month": "{day}. {month}"},
        "reflect": {"frames": ["Zo {p}."]},
        "said_back": {"follow_up_leads": {"done": "Fatto", "partly": "Halb", "not_yet": "Offen",
                                          "dropped": "Weg", "unclear": "Danke"}},
        "follow_up": {"first_question": 'Qua war "{text}"{due}?', "due": ", bis {date}"},
        "coach": {"turn_back_lead": ["Du willst Rat."], "turn_back": ["Qua siehst du selbst?"],
                  "offer_lead": "Zweimal gefragt, also ein Angebot.",
                  "close": ["Qua nimmst du mit?"]},
        "summary": {"session": "{title} mit {who}.", "follow_ups": "Faellig: {outcomes}.",
                    "follow_up": "{name} ist {status}",
                    "statuses": {"done": "erledigt", "partly": "halb", "not_yet": "offen",
                                 "dropped": "weg", "unclear": "besprochen"},
                    "no_commitments": "Nichts datiert."},
        "figures": {"no_quota": "kein Soll"},
    },
}
TOY_MODE = '''key = "toy"
title = "Toy"
description = "A one-stage mode in the toy language."
offer = "Quo ein Vorschlag?"
idea = "Eine Idee waere ein Plan. Qua passt davon?"

[[stages]]
key = "talk"
goal = "Hear the rep out."
questions = ["Qua ist los?"]
probes = ["Qua noch?"]
fallback = "Qua sonst?"

[stages.advance]
min_words = 6
probe_below_words = 2
'''


@pytest.fixture
def toy(tmp_path):
    return language.register("xx", write_language(tmp_path / "xx", TOY))


def test_the_guard_reads_the_sessions_language(toy):
    from service.coach.guard import check

    assert check("Qua ist los?", lang=toy).ok
    assert not check("Qua ist los?").ok  # in English that is no open question
    assert not check("What is going on?", lang=toy).ok
    told = check("Du musst anrufen. Qua jetzt?", lang=toy)
    assert not told.ok and told.telling and "du musst" in " ".join(told.reasons).lower()
    praised = check("Bravissimo. Qua jetzt?", lang=toy)
    assert not praised.ok and praised.praise


def test_the_readers_use_the_sessions_words(toy):
    from service.coach.language.reading import asks_for_answer, is_vague, says_yes

    assert is_vague("meh, wer weiss schon was da los war", 3, toy)
    assert not is_vague("meh, wer weiss schon was da los war", 3)
    assert says_yes("Klar, gerne", toy) and not says_yes("Klar, gerne")
    assert asks_for_answer("blorp, bitte", toy) and not asks_for_answer("just tell me", toy)


def run(turn):
    return list(turn)[-1]


def test_the_guided_coach_speaks_the_sessions_language(toy, tmp_path):
    from service.coach import Coach, GuidedEngine, SessionState
    from service.coach.modes import parse_mode

    (tmp_path / "toy.toml").write_text(TOY_MODE, encoding="utf-8")
    coach = Coach(GuidedEngine(), modes={"toy": parse_mode(tmp_path / "toy.toml")})
    state = SessionState(mode="toy", stage="", context={
        "language": "xx", "today": "2025-03-05", "rep": {"id": 1, "name": "Kim Toy"}},
        due_commitments=[{"id": 9, "text": "Call Bob", "due_date": "2025-03-04"}])

    assert run(coach.open(state)).text == 'Qua war "Call Bob", bis 4. Marx?'
    followed = run(coach.respond(state, "fertig"))
    assert followed.answers[0]["value"] == "done"
    assert followed.text == "Fatto. Qua ist los?"
    turned = run(coach.respond(state, "blorp, sag du es mir"))
    assert turned.text == "Du willst Rat. Qua siehst du selbst?"
    offered = run(coach.respond(state, "blorp blorp"))
    assert offered.text == "Zweimal gefragt, also ein Angebot. Quo ein Vorschlag?"
    assert run(coach.respond(state, "klar")).intent == "idea"
    closing = run(coach.respond(state, "Der Kunde hat den Termin zweimal verschoben, leider, "
                                       "und das Budget ist noch nicht frei, weil der neue "
                                       "Einkaufsleiter erst im Januar anfängt und dann "
                                       "alle Verträge neu prüfen will"))
    assert closing.intent == "close" and closing.text.endswith("Qua nimmst du mit?")
    assert closing.text.startswith("Zo ")
    assert {r.guard["outcome"] for r in (turned, offered, closing)} == {"passed"}
    summary = coach.draft_summary(state).summary
    assert summary == "Toy mit Kim. Faellig: call Bob ist erledigt. Nichts datiert."


def test_the_period_labels_and_the_figures_speak_the_sessions_language(toy):
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        org = Organization(name="Toy Org")
        db.add(org)
        db.flush()
        rep = User(org_id=org.id, role="rep", name="Kim Toy", email="kim@example.com")
        db.add(rep)
        db.flush()
        for start in (date(2025, 1, 1), date(2025, 2, 1)):
            db.add(KpiSnapshot(org_id=org.id, rep_id=rep.id, period_start=start,
                               closed_value=Decimal("1000"), currency="EUR"))
        db.commit()
        context = build_context(db, rep.id, today=date(2025, 3, 5), language="xx")
    engine.dispose()
    assert context["language"] == "xx" and context["periods"][0]["label"] == "Fehb 2025"
    block = render_context_block(context)
    assert "kein Soll" in block and "no quota set" not in block
    assert render_text("{{ figure('quota', kpi.quota.value, currency) }}?", context) == "kein Soll?"
