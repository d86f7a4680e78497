"""The data block: the rep's context rendered for the model, apart from the instructions."""

from __future__ import annotations

from .render import namespace, render_file

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
