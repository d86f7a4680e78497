"""The Flask app: configuration, extensions and blueprints, wired once."""

from flask import Flask

from . import (
    api,
    cli,
    crm,
    errors,
    headers,
    landing,
    limits,
    nudges,
    privacy,
    proxy,
    request_body,
    request_log,
    review,
    scim,
    widget,
)
from .config import load as load_config
from .config import warn_if_unsafe
from .db import db


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(config))
    proxy.init_app(app)
    headers.init_app(app)
    request_log.init_app(app)
    warn_if_unsafe(app)
    request_body.init_app(app)
    db.init_app(app)
    limits.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    widget.init_app(app)
    privacy.init_app(app)
    review.init_app(app)
    scim.init_app(app)
    nudges.init_app(app)
    crm.init_app(app)
    landing.init_app(app)
    return app
