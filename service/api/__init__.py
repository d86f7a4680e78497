"""The JSON API under /api/v1: one flask-smorest blueprint per resource."""

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls, resolve_schema_instance
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter

from .. import auth, errors
from ..request_body import JsonBodyParser, bound_integers, strict_json_types


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class Api(flask_smorest.Api):
    """flask-smorest, documenting and answering with our own error envelope."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        """flask-smorest's documented hook for its HTTPException handler: our envelope."""
        return errors.handle_http_exception(error)


class Blueprint(flask_smorest.Blueprint):
    """Bodies through our JSON loader, with JSON's types kept strict (service/request_body.py)."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema, *, location="json", **kwargs):
        schema = resolve_schema_instance(schema)
        bound_integers(schema)
        if location == "json":
            strict_json_types(schema)
        return super().arguments(schema, location=location, **kwargs)


def blueprint(name: str, import_name: str, url_prefix: str, description: str,
              public: bool = False, root: str = "/api/v1") -> Blueprint:
    """A resource blueprint under /api/v1; authenticated unless public."""
    blp = Blueprint(name, import_name, url_prefix=root + url_prefix, description=description)
    if not public:
        blp.before_request(auth.authenticate)
    else:
        blp._prepare_doc_cbks.append(_open_to_all)
    return blp


def _open_to_all(doc, _info, **_kwargs):
    """A public operation says so in the spec: `security: []` overrides the global bearer."""
    return {**doc, "security": []}


class IdConverter(IntegerConverter):
    """`<int:...>` ids stop at the id columns' 2**31-1: a larger id is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


# Resource modules, registered in this order; each defines `blp`.
RESOURCES = [
    "health", "me", "teams", "users", "tokens", "process", "accounts", "opportunities",
    "kpis", "skills", "modes", "sessions", "commitments", "assignments", "widget",
    "review", "review_admin", "imports",
]


def schema_name(schema) -> str:
    """Spec component names; a partial (PATCH) schema gets its own name."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Update"
    return name


def init_app(app) -> None:
    """A fresh Api per app (it holds the app's spec), then every resource blueprint."""
    from importlib import import_module

    app.url_map.converters["int"] = IdConverter
    api = Api(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    app.extensions["api"] = api
    for name in RESOURCES:
        api.register_blueprint(import_module(f"{__name__}.{name}").blp)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
