"""Manager review pages under /review: server-rendered Jinja2, session-cookie login, CSRF on forms.

The JSON API keeps bearer tokens and no CSRF; only this blueprint's forms are protected.
"""

from flask import Flask

from .blueprint import bp, csrf


def init_app(app: Flask) -> None:
    """Mount /review, CSRF for its forms only, and the webhook delivery command and worker."""
    from .. import webhooks
    from . import (  # noqa: F401 - routes register on bp
        acting,
        admin,
        crm,
        csv_pages,
        imports,
        login,
        pages,
        privacy_pages,
        scim_admin,
        sso,
    )

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    app.register_blueprint(bp)
    webhooks.init_app(app)
