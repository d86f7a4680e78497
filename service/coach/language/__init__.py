"""A language is a folder of data: ``lexicon.toml`` (the words and patterns the readers look
for), ``phrasing.toml`` (what the coach and the summary say) and ``guard.toml`` (its name, and
what the guard reads a coach reply with). Adding a language is adding a folder with every key
English has (schema.py lists them; the loader rejects a missing or unknown one, naming the file
and the key).

A folder of level "guard" holds only ``guard.toml`` (German, French): a model engine coaches in
it and the guard checks it, while the offline coach, which cannot, carries on in English: such a
language reads and says with English's lexicon and phrasing, and ``lang.offline`` is English.

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
from .schema import FILES, LEVELS, expander

LANGUAGES_DIR = Path(__file__).resolve().parent
DEFAULT = "en"
CODE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*", re.I)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: readers cache per language
class Language:
    code: str
    lexicon: SimpleNamespace
    phrasing: SimpleNamespace
    guard: SimpleNamespace
    level: str = "full"

    @property
    def name(self) -> str:
        """In English ('Spanish'): the model is told it, the rep reads it in English notices."""
        return self.guard.language.name

    @property
    def offline(self) -> Language:
        """The language the offline coach writes this session in: this one, or English."""
        return self if self.level == "full" else get(DEFAULT)

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


def level_of(folder: Path) -> str:
    """'guard' when the folder holds nothing but the guard's file, else 'full' (whose missing
    files the loader then names)."""
    only = LEVELS["guard"]
    return "guard" if all(not (folder / name).exists() for name in FILES if name not in only) \
        else "full"


def load(folder: str | Path, code: str | None = None) -> Language:
    """Read and check a language folder (no caching: see ``get``)."""
    folder = Path(folder)
    level = level_of(folder)
    names = {name: FILES[name] for name in LEVELS[level]}
    raws = {name: _read_toml(folder, name) for name in names}
    for name, spec in names.items():
        _check_keys(f"{folder.name}/{name}", raws[name], spec)
    values = {name: {section: {} for section in spec} for name, spec in names.items()}
    expand = None
    for patterns in (False, True):  # patterns last: their placeholders name the word lists
        for name, spec in names.items():
            for section, keys in spec.items():
                for key, kind in keys.items():
                    if getattr(kind, "expands", False) == patterns:
                        fail = _failer(f"{folder.name}/{name}", f"{section}.{key}")
                        values[name][section][key] = kind.read(raws[name][section][key], fail,
                                                               expand)
        expand = expander(values.get("lexicon.toml", {}))
    files = {Path(name).stem: SimpleNamespace(**{s: SimpleNamespace(**v) for s, v in
                                                 sections.items()})
             for name, sections in values.items()}
    if level == "guard":  # the offline coach reads and speaks English in such a session
        english = get(DEFAULT)
        files.update(lexicon=english.lexicon, phrasing=english.phrasing)
    return Language(code or folder.name, level=level, **files)


_loaded: dict[str, Language] = {}


def register(code: str, folder: str | Path) -> Language:
    """Use ``folder`` for ``code`` from now on (checked now, so a bad folder fails here)."""
    _loaded[code] = load(folder, code)
    return _loaded[code]


def get(code: str = DEFAULT) -> Language:
    """The language ``code``: a registered folder, else ``language/<code>/``; loaded once."""
    if code not in _loaded:
        folder = LANGUAGES_DIR / (code or "")
        if not CODE.fullmatch(code or "") or not (folder / "guard.toml").is_file():
            raise LookupError(f"no language {code!r} (shipped: {', '.join(shipped())})")
        _loaded[code] = load(folder, code)
    return _loaded[code]


def of(context: dict | None) -> Language:
    """A session's language: its context's ``language`` code, English when it has none."""
    return get((context or {}).get("language") or DEFAULT)


def shipped() -> list[str]:
    """Codes of the language folders that ship with the coach (every level)."""
    return sorted(p.name for p in LANGUAGES_DIR.iterdir() if (p / "guard.toml").is_file())


def coached() -> list[str]:
    """Codes of the shipped languages the offline coach coaches in (level "full")."""
    return [code for code in shipped() if level_of(LANGUAGES_DIR / code) == "full"]


def names(codes: list[str]) -> str:
    """'English and Spanish': the languages' English names, joined for a sentence."""
    said = [get(code).name for code in codes]
    return " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)


ENGLISH = get(DEFAULT)

__all__ = ["DEFAULT", "ENGLISH", "Language", "LanguageFileError", "coached", "fresh", "get", "load",
           "names",
           "of", "register", "shipped"]


def fresh(lines, n: int, said) -> str:
    """The line for turn ``n``, or the next one in turn that no text in ``said`` (the session's
    coach turns) holds: a lead ('Let's set that aside.') is never said twice while another is left."""
    order = [lines[(n + i) % len(lines)] for i in range(len(lines))]
    return next((line for line in order if not any(line in text for text in said)), order[0])
