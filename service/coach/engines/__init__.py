"""Engines behind one small interface: ``stream`` a reply, ``complete_json`` a summary."""

from __future__ import annotations

from .base import CoachTurn, Engine
from .fake import FakeEngine
from .guided import GuidedEngine

ENGINES = ("guided", "openai", "fake")


def make_engine(name: str = "guided", **settings) -> Engine:
    """guided (offline, the default), openai (settings: api_key, base_url, model, timeout,
    max_retries) or fake (tests)."""
    if name == "guided":
        return GuidedEngine(**settings)
    if name == "openai":
        from .openai import OpenAIEngine

        return OpenAIEngine(**settings)
    if name == "fake":
        return FakeEngine(*settings.pop("replies", ()), **settings)
    raise ValueError(f"unknown coach engine {name!r} (choose from {', '.join(ENGINES)})")


__all__ = ["ENGINES", "CoachTurn", "Engine", "FakeEngine", "GuidedEngine", "make_engine"]
