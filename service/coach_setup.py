"""The coach an app uses: its modes, its engine (from config) and one shared Coach."""

from .coach import Coach, load_modes, make_engine


def get_modes(app) -> dict:
    if "coach_modes" not in app.extensions:
        app.extensions["coach_modes"] = load_modes(app.config.get("COACH_MODES_DIR"))
    return app.extensions["coach_modes"]


def get_engine(app, name: str | None = None):
    """The engine from config; tests put one in COACH_ENGINE_INSTANCE."""
    if app.config.get("COACH_ENGINE_INSTANCE") is not None and name is None:
        return app.config["COACH_ENGINE_INSTANCE"]
    name = name or app.config.get("COACH_ENGINE", "guided")
    cache = app.extensions.setdefault("coach_engines", {})
    if name not in cache:
        settings = {}
        if name == "openai":
            c = app.config
            settings = {"api_key": c.get("OPENAI_API_KEY"), "base_url": c.get("OPENAI_BASE_URL"),
                        "model": c.get("COACH_MODEL", "gpt-4o-mini"),
                        "timeout": c.get("COACH_TIMEOUT", 30),
                        "max_retries": c.get("COACH_MAX_RETRIES", 2),
                        "token_param": c.get("COACH_TOKEN_PARAM")}
        cache[name] = make_engine(name, **settings)
    return cache[name]


def get_coach(app, engine_name: str | None = None) -> Coach:
    """One Coach per app and settings, reused by every request: it holds no per-session state
    (each turn works on a copy of the session's state), so threads and greenlets can share it."""
    engine, modes = get_engine(app, engine_name), get_modes(app)
    budget = app.config.get("COACH_TOKEN_BUDGET", 3000)
    max_reply = app.config.get("COACH_MAX_REPLY_TOKENS", 300)
    key = (id(engine), id(modes), budget, max_reply)
    coach = app.extensions.setdefault("coaches", {}).get(key)
    if coach is None or coach.engine is not engine or coach.modes is not modes:
        coach = Coach(engine, modes=modes, token_budget=budget, max_reply_tokens=max_reply)
        app.extensions["coaches"][key] = coach
    return coach
