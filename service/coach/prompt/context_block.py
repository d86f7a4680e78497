"""The data block: the rep's context rendered for the model, apart from the instructions."""

from __future__ import annotations

import re
from functools import lru_cache

from .render import env, namespace, render_file

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)

CONTEXT_DEFAULTS = {"today": "", "rep": {"id": None, "name": "the rep"}, "periods": [],
                    "currency": "", "skills_audit": None, "opportunity": None, "account": None,
                    "pre_call": None, "commitments": []}


def render_context_block(context: dict, digest: str = "") -> str:
    """The data block: the rep's context, separate from the instructions."""
    ns = {**CONTEXT_DEFAULTS, **namespace(context)}
    return render_file("context.j2", **ns, digest=digest)


def data_message(context: dict, digest: str = "") -> dict:
    """The data block as a chat message. It holds text reps wrote (commitments, pre-call
    objectives, the condensed earlier turns, deal notes), so it goes in a user message, never a
    system one: system messages carry only our instructions. ``data`` marks it for engines that
    read the transcript (it is not sent to a model server)."""
    return {"role": "user", "content": render_context_block(context, digest),
            "data": True}


@lru_cache(maxsize=1)
def block_wording() -> tuple[str, ...]:
    """The data block's own wording: the template's fixed text, each run between two
    placeholders on its own. A reply must not copy it; the records and figures the block
    carries (commitments, objectives, the next step, the figures) are there to be cited."""
    source, _, _ = env.loader.get_source(env, "context.j2")
    return tuple(part.strip() for part in TAG.split(source) if part.strip())
