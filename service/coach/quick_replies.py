"""The quick replies offered with a question whose answer is a record: a due commitment's
follow-up, a skill rating, the coach's offer of an idea. A picked option is the rep's own
statement of the fact, so it is recorded as given; free text is only read into a proposal.

Each set is ``{"kind", "about", "options": [{"value", "label"}]}``; the labels are the
session language's (phrasing.toml [choices])."""

from __future__ import annotations

from . import language

RATINGS = ("1", "2", "3", "4", "5")


def follow_up(commitment_id: int | None, lang: language.Language) -> dict:
    labels = lang.phrasing.choices.follow_up
    return {"kind": "follow_up", "about": commitment_id,
            "options": [{"value": key, "label": labels[key]} for key in labels]}


def rating(skill: str) -> dict:
    return {"kind": "rating", "about": skill,
            "options": [{"value": value, "label": value} for value in RATINGS]}


def offer(lang: language.Language) -> dict:
    labels = lang.phrasing.choices.offer
    return {"kind": "offer", "about": None,
            "options": [{"value": key, "label": labels[key]} for key in labels]}


def label(offered: dict | None, value: str | None) -> str | None:
    """The label of ``value`` among the options offered, None when it is not one of them."""
    for option in (offered or {}).get("options", []):
        if option["value"] == value:
            return option["label"]
    return None
