"""A language is a folder of data: ``lexicon.toml`` (the words and patterns the readers and the
guard look for) and ``phrasing.toml`` (what the coach and the summary say). English ships in
``en/``; adding a language is adding a folder with every key English has (schema.py lists
them; the loader rejects a missing or unknown one, naming the file and the key).

    lang = language.get("en")               # loaded once, then cached
    lang = language.of(state.context)       # the session's: its context's "language", else en
    language.register("xx", folder)         # a folder kept elsewhere (tests)

The readers (reading.py, commitments.py, reflect.py) and the guard take the loaded language
as ``lang``, English when not given.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from .kinds import LanguageFileError
from .schema import FILES, expander

LANGUAGES_DIR = Path(__file__).resolve().parent
DEFAULT = "en"
CODE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*", re.I)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: readers cache per language
class Language:
    code: str
    lexicon: SimpleNamespace
    phrasing: SimpleNamespace

    def weekday(self, day: date) -> str:
        return self.lexicon.calendar.weekdays.written(day.weekday())

    def month(self, day: date) -> str:
        return self.lexicon.calendar.months.written(day.month - 1)

    def day_month(self, day: date) -> str:
        """'4 March'."""
        return self.phrasing.dates.day_month.format(day=day.day, month=self.month(day))


def _read_toml(folder: Path, name: str) -> dict:
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LanguageFileError(f"{folder.name}/{name}: missing (a language folder holds "
                                f"{', '.join(FILES)})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LanguageFileError(f"{folder.name}/{name}: not valid TOML: {exc}") from exc


def _check_keys(label: str, raw: dict, spec: dict) -> None:
    for section in raw:
        if section not in spec:
            raise LanguageFileError(f"{label}: [{section}]: unknown section "
                                    f"(expected: {', '.join(spec)})")
    for section, keys in spec.items():
        table = raw.get(section)
        if not isinstance(table, dict):
            raise LanguageFileError(f"{label}: [{section}]: missing section")
        for key in table:
            if key not in keys:
                raise LanguageFileError(f"{label}: {section}.{key}: unknown key")
        for key in keys:
            if key not in table:
                raise LanguageFileError(f"{label}: {section}.{key}: missing key")


def _failer(label: str, where: str):
    def fail(problem: str):
        raise LanguageFileError(f"{label}: {where}: {problem}")
    return fail


def load(folder: str | Path, code: str | None = None) -> Language:
    """Read and check a language folder (no caching: see ``get``)."""
    folder = Path(folder)
    raws = {name: _read_toml(folder, name) for name in FILES}
    for name, spec in FILES.items():
        _check_keys(f"{folder.name}/{name}", raws[name], spec)
    values = {name: {section: {} for section in spec} for name, spec in FILES.items()}
    expand = None
    for patterns in (False, True):  # patterns last: their placeholders name the word lists
        for name, spec in FILES.items():
            for section, keys in spec.items():
                for key, kind in keys.items():
                    if getattr(kind, "expands", False) == patterns:
                        fail = _failer(f"{folder.name}/{name}", f"{section}.{key}")
                        values[name][section][key] = kind.read(raws[name][section][key], fail,
                                                               expand)
        expand = expander(values["lexicon.toml"])
    files = {Path(name).stem: SimpleNamespace(**{s: SimpleNamespace(**v) for s, v in
                                                 sections.items()})
             for name, sections in values.items()}
    return Language(code or folder.name, **files)


_loaded: dict[str, Language] = {}


def register(code: str, folder: str | Path) -> Language:
    """Use ``folder`` for ``code`` from now on (checked now, so a bad folder fails here)."""
    _loaded[code] = load(folder, code)
    return _loaded[code]


def get(code: str = DEFAULT) -> Language:
    """The language ``code``: a registered folder, else ``language/<code>/``; loaded once."""
    if code not in _loaded:
        folder = LANGUAGES_DIR / (code or "")
        if not CODE.fullmatch(code or "") or not (folder / "lexicon.toml").is_file():
            raise LookupError(f"no language {code!r} (shipped: {', '.join(shipped())})")
        _loaded[code] = load(folder, code)
    return _loaded[code]


def of(context: dict | None) -> Language:
    """A session's language: its context's ``language`` code, English when it has none."""
    return get((context or {}).get("language") or DEFAULT)


def shipped() -> list[str]:
    """Codes of the language folders that ship with the coach."""
    return sorted(p.name for p in LANGUAGES_DIR.iterdir() if (p / "lexicon.toml").is_file())


ENGLISH = get(DEFAULT)

__all__ = ["DEFAULT", "ENGLISH", "Language", "LanguageFileError", "get", "load", "of", "register",
           "shipped"]
