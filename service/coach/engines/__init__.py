"""Engines behind one small interface: ``stream`` a reply, ``complete_json`` a summary.

They are found by name (registry.py) and imported only when asked for: the guided engine
drafts summaries with summary/draft.py, which imports this package's base.
"""

from __future__ import annotations

from .base import CoachTurn, Engine
from .registry import engine_factory, engine_from_config, engine_names, make_engine

__all__ = ["CoachTurn", "Engine", "engine_factory", "engine_from_config", "engine_names",
           "make_engine"]
