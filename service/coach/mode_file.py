"""Checks of the values read from a mode file; each failure names the file and the field."""

from __future__ import annotations

from pathlib import Path

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
