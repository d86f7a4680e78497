"""Sales Coach: self-coaching chats for sales reps, reviewed by their managers.

``create_app`` is imported on first call, not here, so the coaching domain (``service.coach``)
and the session orchestration load without Flask: the eval, benchmarks and scripts use them.
"""


def create_app(config: dict | None = None):
    """The Flask app (see service/app.py); ``flask --app service`` finds it here."""
    from .app import create_app as build

    return build(config)
