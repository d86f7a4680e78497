"""A language is a folder of data: every shipped one loads whole, a broken one says where."""

import json
import tomllib
from pathlib import Path

import pytest

from service.coach import language
from service.coach.language import LANGUAGES_DIR, LanguageFileError
from service.coach.language.schema import FILES

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
    ({"lexicon.toml": {"guard": {"praise": None}}}, "xx/lexicon.toml: guard.praise: missing key"),
    ({"lexicon.toml": {"guard": {"praises": ["nice"]}}},
     "xx/lexicon.toml: guard.praises: unknown key"),
    ({"lexicon.toml": {"gaurd": {"praise": ["nice"]}}}, "xx/lexicon.toml: [gaurd]: unknown section"),
    ({"lexicon.toml": {"reading": {"yes": "(yes"}}}, "xx/lexicon.toml: reading.yes: not a valid regex"),
    ({"lexicon.toml": {"reading": {"vague": "{months}"}}},
     "xx/lexicon.toml: reading.vague: unknown placeholder {months}"),
    ({"lexicon.toml": {"dates": {"nth": r"\bthe (\d+)th\b"}}},
     "xx/lexicon.toml: dates.nth: needs the named group(s) (?P<day>...)"),
    ({"lexicon.toml": {"calendar": {"weekdays": [["Monday"]]}}},
     "xx/lexicon.toml: calendar.weekdays: must list exactly 7 entries"),
    ({"lexicon.toml": {"guard": {"imperatives": []}}},
     "xx/lexicon.toml: guard.imperatives: must be a non-empty list"),
    ({"phrasing.toml": {"reflect": {"frames": ["So {phrase}."]}}},
     "xx/phrasing.toml: reflect.frames: unknown placeholder {phrase} (allowed: {p}, {P})"),
    ({"phrasing.toml": {"said_back": {"follow_up_leads": {"done": "Done"}}}},
     "xx/phrasing.toml: said_back.follow_up_leads: missing key 'open'"),
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
