"""The coach an app uses: its modes, its engine (by name, from config) and one shared Coach."""

from .coach import Coach, engine_from_config, load_modes


def get_modes(app) -> dict:
    if "coach_modes" not in app.extensions:
        app.extensions["coach_modes"] = load_modes(app.config.get("COACH_MODES_DIR"))
    return app.extensions["coach_modes"]


def get_engine(app, name: str | None = None):
    """The engine named ``name`` (default COACH_ENGINE), built once per app from its config;
    tests put one in COACH_ENGINE_INSTANCE."""
    if app.config.get("COACH_ENGINE_INSTANCE") is not None and name is None:
        return app.config["COACH_ENGINE_INSTANCE"]
    name = name or app.config.get("COACH_ENGINE", "guided")
    engines = app.extensions.setdefault("coach_engines", {})
    if name not in engines:
        engines[name] = engine_from_config(name, app.config)
    return engines[name]


def get_coach(app, engine_name: str | None = None) -> Coach:
    """One Coach per app, engine and settings, reused by every request: it holds no per-session
    state (each turn works on a copy of the session's state), so threads and greenlets share it.
    A cached Coach is reused only while it still holds the very engine and modes asked for (a
    test swaps COACH_ENGINE_INSTANCE): it keeps them alive, so the identity check is exact."""
    engine, modes = get_engine(app, engine_name), get_modes(app)
    budget = app.config.get("COACH_TOKEN_BUDGET", 3000)
    max_reply = app.config.get("COACH_MAX_REPLY_TOKENS", 300)
    key = (engine_name, budget, max_reply)
    coaches = app.extensions.setdefault("coaches", {})
    coach = coaches.get(key)
    if coach is None or coach.engine is not engine or coach.modes is not modes:
        coach = coaches[key] = Coach(engine, modes=modes, token_budget=budget,
                                     max_reply_tokens=max_reply)
    return coach
