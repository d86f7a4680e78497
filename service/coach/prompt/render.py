"""One Jinja2 environment for every prompt and mode question, with ``StrictUndefined``.

Questions are written against the context dict (see service/sessions/context.py) plus a few
derived names added by :func:`namespace`: ``first_name``, ``kpi`` (the latest period's metrics),
``period`` (its label), ``headline`` (the biggest mover, as words), ``labels`` (the figures'
names) and, in walking stages, ``item``. Figures and money are worded by figures.py, the one
place that formats them, in the context's ``language``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, pass_context

from .. import language
from .figures import figure, headline, money, movement, pct, stated

PROMPTS_DIR = Path(__file__).resolve().parents[3] / "prompts"


class SkipQuestion(LookupError):
    """Raised by ``skip()`` in a question template when the context makes it pointless."""


def skip():
    raise SkipQuestion("question does not apply to this context")


# Compiled once per process: prompts change with a deploy, so no stat() of the file per render.
env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                  loader=FileSystemLoader(str(PROMPTS_DIR)), trim_blocks=True, lstrip_blocks=True,
                  auto_reload=False)


def _worded(function):
    """``function`` for templates, in the language of the context being rendered."""
    @pass_context
    def in_language(ctx, *args):
        return function(*args, lang=language.get(ctx.get("language") or language.DEFAULT))
    return in_language


env.filters.update(money=_worded(money), pct=_worded(pct), upfirst=lambda s: s[:1].upper() + s[1:])
env.globals.update(movement=_worded(movement), figure=_worded(figure), stated=_worded(stated),
                   skip=skip)


@lru_cache(maxsize=512)
def _compiled(source: str):
    return env.from_string(source)


def namespace(context: dict, **extra) -> dict:
    ns = dict(context, labels=language.of(context).phrasing.figures.labels)
    rep = context.get("rep") or {}
    if rep.get("name"):
        ns["first_name"] = rep["name"].split()[0]
    periods = context.get("periods") or []
    if periods:
        ns["kpi"] = periods[0]["metrics"]
        ns["period"] = periods[0].get("label", "this period")
        try:
            ns["headline"] = headline(context)
        except (KeyError, IndexError, TypeError, ValueError):
            pass
    ns.update(extra)
    return ns


def render_text(source: str, context: dict, **extra) -> str:
    """Render a template string; raises jinja2 errors when the context lacks what it needs."""
    return " ".join(_compiled(source).render(namespace(context, **extra)).split())


def try_render(source: str, context: dict, **extra) -> str | None:
    """Like render_text, but None when the template needs data this context does not have."""
    try:
        return render_text(source, context, **extra)
    except (TemplateError, LookupError, TypeError, ValueError, ArithmeticError):
        return None


def render_file(name: str, **variables) -> str:
    return env.get_template(name).render(**variables).strip()


