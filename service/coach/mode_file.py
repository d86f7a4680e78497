"""Checks of the values read from a mode file; each failure names the file and the field."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

from jinja2 import TemplateSyntaxError

from .errors import ModeFileError
from .prompt.render import env


def fail(path: Path, where: str, problem: str):
    raise ModeFileError(f"{path.name}: {where}: {problem}")


def text_field(path, where, value, *, required=True, template=False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        fail(path, where, "must be a non-empty string" if required else "must be a string")
    if template and value:
        try:
            env.parse(value)
        except TemplateSyntaxError as exc:
            fail(path, where, f"template error: {exc.message}")
    return value.strip()


def template_list(path, where, value) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        fail(path, where, "must be a non-empty list of strings")
    return tuple(text_field(path, f"{where}[{i}]", v, template=True) for i, v in enumerate(value))


def summary_lead(path, where, value) -> str:
    lead = text_field(path, where, value, required=False)
    if lead:
        try:
            names = [name for _, name, _, _ in Formatter().parse(lead) if name is not None]
        except ValueError as exc:
            fail(path, where, f"braces: {exc}")
        if names != ["p"]:
            fail(path, where, "must hold {p} once: where the gist of the answers goes")
    return lead


def summary_order(path, value, stages) -> tuple[str, ...]:
    """The stages with a summary lead, in the order the manager's summary names them."""
    led = [stage.key for stage in stages if stage.summary]
    if value is None:
        return tuple(led)
    if not isinstance(value, list):
        fail(path, "summary_stages", "must be a list of stage keys")
    for index, key in enumerate(value):
        if key not in led:
            fail(path, f"summary_stages[{index}]", f"names no stage with a summary lead "
                 f"(have: {led})")
    if len(set(value)) < len(value):
        fail(path, "summary_stages", "names a stage twice")
    if len(value) < len(led):
        fail(path, "summary_stages", f"leaves out {[k for k in led if k not in value]}, "
             "which have a summary lead")
    return tuple(value)


def remembered_name(path, where, value) -> str:
    """A name templates read as ``pre_call.<name>`` beside ``pre_call.date``."""
    name = text_field(path, where, value, required=False)
    if name and (not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name == "date"):
        fail(path, where, "must be a lower-case name of letters, digits and _ (not 'date')")
    return name


def summary_opening(path, value, stages, sources) -> tuple[str, ...]:
    if not isinstance(value, list) or len(set(map(str, value))) < len(value):
        fail(path, "summary_opens_with", "must be a list naming each source once")
    for index, source in enumerate(value):
        if source not in sources:
            fail(path, f"summary_opens_with[{index}]", f"must be one of {sources}")
        if source == "ratings" and not any(stage.each for stage in stages):
            fail(path, f"summary_opens_with[{index}]", "ratings come from a stage with each, "
                 "and this mode has none")
    return tuple(value)


def whole_numbers(path, where, raw, allowed: set[str]) -> dict:
    """A table of whole numbers >= 0 with only the ``allowed`` names (a stage's advance rule)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        fail(path, where, "must be a table")
    for name, value in raw.items():
        if name not in allowed:
            fail(path, f"{where}.{name}", f"unknown field (allowed: {', '.join(sorted(allowed))})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            fail(path, f"{where}.{name}", "must be a whole number >= 0")
    return raw
