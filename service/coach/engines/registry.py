"""Engines by name: the built-ins and every installed ``sales_coach.engines`` entry point.

A package adds an engine by naming its class (or a factory function) in its pyproject.toml::

    [project.entry-points."sales_coach.engines"]
    toy = "toy_engine:ToyEngine"

The built-ins are known here too, so a plain checkout on PYTHONPATH (no installed metadata)
finds them. An engine reads its own settings from the app's config in a classmethod
``from_config(config)``; one without it is built with no arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points

GROUP = "sales_coach.engines"
BUILT_IN = {
    "guided": "service.coach.engines.guided:GuidedEngine",
    "openai": "service.coach.engines.openai:OpenAIEngine",
    "fake": "service.coach.engines.fake:FakeEngine",
}


def _registered() -> dict[str, EntryPoint]:
    """Read on every call, so an engine installed after start-up counts; installed entry points
    win over the built-in table (they name the same classes when this project is installed)."""
    found = {name: EntryPoint(name, target, GROUP) for name, target in BUILT_IN.items()}
    found.update({point.name: point for point in entry_points(group=GROUP)})
    return found


def engine_names() -> list[str]:
    return sorted(_registered())


def engine_factory(name: str):
    """The class (or factory function) registered as ``name``; loading it imports its module."""
    registered = _registered()
    if name not in registered:
        raise ValueError(f"unknown coach engine {name!r} (choose from {', '.join(sorted(registered))})")
    return registered[name].load()


def make_engine(name: str = "guided", **settings):
    """The engine ``name``, given its settings as keyword arguments."""
    return engine_factory(name)(**settings)


def engine_from_config(name: str, config: Mapping):
    """The engine ``name`` with the settings it reads from ``config`` (the app's)."""
    factory = engine_factory(name)
    from_config = getattr(factory, "from_config", None)
    return factory() if from_config is None else from_config(config)
