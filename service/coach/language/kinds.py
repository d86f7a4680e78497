"""How one value of a language file is read: a line, a word set, a table, a pattern...

Each kind checks the raw TOML value and turns it into what the readers use (a frozenset, a
compiled regex), or raises LanguageFileError through ``fail`` with the file and key named.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from types import MappingProxyType


class LanguageFileError(ValueError):
    """A language file is malformed; the message names the file and the key."""


Fail = Callable[[str], None]
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::(\d+)-(\d+))?\}")


def _strings(value, fail: Fail, what: str) -> list[str]:
    if not isinstance(value, list) or not value or \
            not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"must be a non-empty list of non-empty strings ({what})")
    return value


class Text:
    """One line of wording; ``fields`` are the {placeholders} it may use."""

    def __init__(self, *fields: str):
        self.fields = fields

    def _check(self, value, fail: Fail) -> str:
        if not isinstance(value, str) or not value.strip():
            fail("must be a non-empty string")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            fail(f"unbalanced braces in {value!r}: {exc}")
        unknown = sorted(used - set(self.fields))
        if unknown:
            allowed = ", ".join("{" + f + "}" for f in self.fields) or "none"
            fail(f"unknown placeholder {{{unknown[0]}}} (allowed: {allowed})")
        return value

    def read(self, value, fail: Fail, expand) -> str:
        return self._check(value, fail)


class Texts(Text):
    """Several lines of wording the coach varies between, in order."""

    def read(self, value, fail: Fail, expand) -> tuple[str, ...]:
        return tuple(self._check(v, fail) for v in _strings(value, fail, "lines"))


class Words:
    """A set of lower-case words, looked up one word at a time."""

    def read(self, value, fail: Fail, expand) -> frozenset[str]:
        return frozenset(_strings(value, fail, "words"))


class Ordered:
    """Words or phrases whose order matters (prefixes tried in turn, a number's word by its
    index); ``choices`` limits them to known keys."""

    def __init__(self, choices: tuple[str, ...] = ()):
        self.choices = choices

    def read(self, value, fail: Fail, expand) -> tuple[str, ...]:
        items = _strings(value, fail, "in order")
        wrong = [v for v in items if self.choices and v not in self.choices]
        if wrong:
            fail(f"{wrong[0]!r} is not one of {', '.join(self.choices)}")
        return tuple(items)


class NameTable:
    """Names of the days or months, in calendar order; each entry's first name is the one
    the coach writes, the others (abbreviations) are only read."""

    def __init__(self, entries: list[list[str]]):
        self.entries = tuple(tuple(e) for e in entries)
        self._number = {name.lower(): i for i, names in enumerate(self.entries) for name in names}

    def number(self, name: str) -> int:
        """0-based position of a name in any of its forms (KeyError when unknown)."""
        return self._number[name.lower()]

    def written(self, index: int) -> str:
        return self.entries[index][0]

    def alternation(self) -> str:
        """A regex alternation of every form: written names first, then the others."""
        names = [e[0] for e in self.entries] + [n for e in self.entries for n in e[1:]]
        return "|".join(re.escape(n.lower()) for n in names)


class Names:
    def __init__(self, count: int):
        self.count = count

    def read(self, value, fail: Fail, expand) -> NameTable:
        if not isinstance(value, list) or len(value) != self.count:
            fail(f"must list exactly {self.count} entries, each a list of names")
        for entry in value:
            _strings(entry, fail, "names of one entry")
        return NameTable(value)


class Map:
    """Word -> word (e.g. 'my' -> 'your'); any keys."""

    def read(self, value, fail: Fail, expand) -> MappingProxyType:
        if not isinstance(value, dict) or not value or \
                not all(isinstance(v, str) and v for v in value.values()):
            fail("must be a non-empty table of word = \"word\"")
        return MappingProxyType(dict(value))


class Table(Text):
    """Exactly the given keys, each a line of wording."""

    def __init__(self, keys: tuple[str, ...], *fields: str):
        super().__init__(*fields)
        self.keys = keys

    def read(self, value, fail: Fail, expand) -> MappingProxyType:
        if not isinstance(value, dict):
            fail(f"must be a table with the keys {', '.join(self.keys)}")
        for key in value:
            if key not in self.keys:
                fail(f"unknown key {key!r} (allowed: {', '.join(self.keys)})")
        for key in self.keys:
            if key not in value:
                fail(f"missing key {key!r}")
        return MappingProxyType({k: self._check(value[k], fail) for k in self.keys})


class Alternatives:
    """Regex fragments the reading code composes into its own patterns (verbs of a kind);
    stored joined with '|'."""

    def read(self, value, fail: Fail, expand) -> str:
        joined = "|".join(_strings(value, fail, "regex alternatives"))
        try:
            re.compile(joined)
        except re.error as exc:
            fail(f"not a valid regex: {exc}")
        return joined


class Pattern:
    """A case-insensitive regex: a string, or a list of alternatives joined with '|'. It may
    name word lists as placeholders ({month}, {weekday}, {verb}, {numbers:1-5}), and must
    have the named ``groups`` the reading code takes its parts from."""

    expands = True

    def __init__(self, *groups: str):
        self.groups = groups

    def compile(self, source, fail: Fail, expand) -> re.Pattern:
        if isinstance(source, list):
            source = "|".join(_strings(source, fail, "regex alternatives"))
        if not isinstance(source, str) or not source:
            fail("must be a regex string or a list of them")
        try:
            compiled = re.compile(PLACEHOLDER.sub(lambda m: expand(m, fail), source), re.I)
        except re.error as exc:
            fail(f"not a valid regex: {exc}")
        missing = [g for g in self.groups if g not in compiled.groupindex]
        if missing:
            fail(f"needs the named group(s) {', '.join(f'(?P<{g}>...)' for g in missing)}")
        return compiled

    def read(self, value, fail: Fail, expand) -> re.Pattern:
        return self.compile(value, fail, expand)


class Patterns(Pattern):
    """Several regexes, each found on its own (the guard names which one matched)."""

    def read(self, value, fail: Fail, expand) -> tuple[re.Pattern, ...]:
        return tuple(self.compile(v, fail, expand) for v in _strings(value, fail, "regexes"))


class Topics(Pattern):
    """Topic name -> a regex of the words that show an answer is about it; any names (the
    modes' ``summary_about`` fields name them, tests/coach check every one exists)."""

    def read(self, value, fail: Fail, expand) -> MappingProxyType:
        if not isinstance(value, dict) or not value:
            fail("must be a table of topic = 'regex'")
        return MappingProxyType({k: self.compile(v, fail, expand) for k, v in value.items()})
