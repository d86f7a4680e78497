"""A mode's texts in another language: ``prompts/modes/<code>/<mode>.toml`` holds what the rep
reads (title, description, each stage's questions, probes, fallback, offer, idea, the summary
leads, the names of a list's items) and nothing else; the stages' keys, goals, rules and
order stay the English file's, so a session keeps its state whatever language speaks it.

An overlay translates every stage of its mode (a session never switches language mid-mode);
a mode without an overlay for a language is spoken in English. Schema::

    key = "weekly_review"          # the mode it translates (the file name)
    title = "..."                  # required
    description = "..."            # required
    offer = "...?"                 # optional defaults for the stages, as in the mode file
    idea = "..."
    [names]                        # optional: how the items of the mode's lists are said
    prospecting = "la prospección"  # (the item stays the record's key)

    [[stages]]                     # every stage of the mode, by key, in any order
    key = "acknowledge"
    questions = ["..."]            # required, as in the mode file
    probes = ["..."]               # required
    fallback = "...?"              # required, one question
    after_commitments = ["..."]    # only where the mode's stage collects commitments
    offer = "...?"                 # the stage's own, else the overlay's default
    idea = "..."
    summary = "Causas: {p}."       # exactly where the mode's stage has a summary lead
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from .errors import ModeFileError
from .language import DEFAULT
from .mode_file import fail, summary_lead, template_list, text_field

FIELDS = {"key", "title", "description", "offer", "idea", "names", "stages"}
STAGE_FIELDS = {"key", "questions", "probes", "after_commitments", "fallback", "offer", "idea",
                "summary"}


def _stage(path, index: int, raw, base, defaults: dict):
    where = f"stages[{index}] ({raw.get('key')})"
    for name in raw:
        if name not in STAGE_FIELDS:
            fail(path, f"{where}.{name}", f"unknown field (an overlay holds only texts: "
                 f"{', '.join(sorted(STAGE_FIELDS))})")
    after = ()
    if "after_commitments" in raw:
        if base.collect != "commitments":
            fail(path, f"{where}.after_commitments", "the mode's stage collects no commitments")
        after = template_list(path, f"{where}.after_commitments", raw["after_commitments"])
    summary = summary_lead(path, f"{where}.summary", raw.get("summary", ""))
    if bool(summary) != bool(base.summary):
        fail(path, f"{where}.summary", "needed exactly where the mode's stage has a summary lead")
    fallback = text_field(path, f"{where}.fallback", raw.get("fallback"), template=True)
    if not fallback.endswith("?"):
        fail(path, f"{where}.fallback", "must be a single question ending with '?'")
    texts = {name: text_field(path, f"{where}.{name}", raw.get(name, defaults[name]),
                              template=True) for name in ("offer", "idea")}
    if not texts["offer"] or not texts["idea"]:
        fail(path, where, "needs an offer and an idea (own or the overlay's default)")
    return replace(base, questions=template_list(path, f"{where}.questions", raw.get("questions")),
                   probes=template_list(path, f"{where}.probes", raw.get("probes")),
                   fallback=fallback, after_commitments=after,
                   summary=summary, **texts)


def _names(path, raw, mode) -> dict:
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v.strip()
                                            for v in raw.values()):
        fail(path, "names", "must be a table of item = \"how it is said\"")
    items = {item for values in mode.lists.values() for item in values}
    for item in raw:
        if item not in items:
            fail(path, f"names.{item}", "is no item of the mode's [lists]")
    return dict(raw)


def translate(mode, path: Path):  # noqa: C901 - one check after another
    """``mode`` with the texts of the overlay at ``path`` (checked: every failure names the
    file and the field)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ModeFileError(f"{path.parent.name}/{path.name}: not valid TOML: {exc}") from exc
    path = SimpleNamespace(name=f"{path.parent.name}/{path.name}")  # how failures name it
    for name in raw:
        if name not in FIELDS:
            fail(path, name, "unknown field")
    if raw.get("key") != mode.key:
        fail(path, "key", f"must equal the file name ({mode.key!r})")
    stages = raw.get("stages")
    if not isinstance(stages, list) or not all(isinstance(s, dict) for s in stages):
        fail(path, "stages", "must be [[stages]] tables")
    given = {s.get("key"): (i, s) for i, s in enumerate(stages)}
    keys = [s.key for s in mode.stages]
    for key in given:
        if key not in keys:
            fail(path, f"stages ({key})", f"the mode has no such stage (has: {keys})")
    missing = [k for k in keys if k not in given]
    if missing or len(given) < len(stages):
        fail(path, "stages", f"translate each of the mode's stages once (missing: {missing})")
    defaults = {"offer": raw.get("offer", ""), "idea": raw.get("idea", "")}
    return replace(
        mode, title=text_field(path, "title", raw.get("title")),
        description=text_field(path, "description", raw.get("description")),
        names=_names(path, raw.get("names", {}), mode),
        stages=tuple(_stage(path, *given[s.key], s, defaults) for s in mode.stages))


def add_translations(folder: Path, modes: dict) -> None:
    """Every overlay in the language folders under ``folder`` (``es/``...), kept on its mode:
    ``mode.in_language(code)`` speaks it."""
    for language in sorted(p for p in folder.iterdir() if p.is_dir()):
        for path in sorted(language.glob("*.toml")):
            if path.stem not in modes:
                raise ModeFileError(f"{language.name}/{path.name}: translates no mode "
                                    f"(have: {', '.join(modes)})")
            mode = modes[path.stem]
            mode.languages.setdefault(DEFAULT, mode)  # so a translation speaks English again
            mode.languages[language.name] = translate(mode, path)
