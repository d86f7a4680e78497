"""Request bodies at the edge: the size limit for streamed uploads, and the one JSON loader
every API view's body goes through (flask-smorest `@blp.arguments` -> `JsonBodyParser`).

A body that is not JSON, is missing where the operation requires one, nests deeper than
MAX_JSON_DEPTH or carries a lone UTF-16 surrogate ("\\ud800", which no database or log can
encode) is refused here with the error envelope, before any view or schema sees it.
"""

import json
import re

from flask import Flask, request
from marshmallow import RAISE, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .errors import ApiError

MAX_JSON_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse(message: str, status: int = 400):
    return ApiError(status, message, fields={"json": [message]})


def _check_tree(data) -> None:
    """Depth and text of a parsed body, walked without recursion (the body is the attacker's)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list) and depth > MAX_JSON_DEPTH:
            raise _refuse(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(node, dict):
            stack.extend((key, depth) for key in node)
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str) and _SURROGATE.search(node):
            raise _refuse("The JSON body has text with a lone surrogate (e.g. \\ud800): "
                          "send valid Unicode.")


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(raw: bytes):
    """Parse a request body: JSON text in UTF-8, of bounded depth, with valid Unicode only."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse("The body is not valid JSON in UTF-8.") from exc
    except RecursionError as exc:
        raise _refuse(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.") from exc
    _check_tree(data)
    return data


class JsonBodyParser(FlaskParser):
    """webargs, with our JSON loader, a required body enforced, and JSON types kept strict."""

    # A query parameter the operation does not declare is refused, as an undeclared body field is:
    # a typo'd filter ("?stauts=open") should not silently list everything.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE}

    def load_json(self, req, schema):
        if not req.get_data(cache=True):
            raise _refuse("This needs a JSON body.")
        if not is_json_request(req):
            raise _refuse("Send the body as JSON (Content-Type: application/json).", 415)
        return loads(req.get_data(cache=True))

    def _raw_load_json(self, req):  # load_json_or_form and any other webargs path
        return loads(req.get_data(cache=True)) if is_json_request(req) else core.missing


def _leaf_fields(schema):
    """Every field that reads a value, through lists and nested schemas."""
    for field in schema.fields.values():
        while isinstance(field, fields.List):
            field = field.inner
        if isinstance(field, fields.Nested):
            yield from _leaf_fields(field.schema)
        else:
            yield field


def strict_json_types(schema) -> None:
    """A JSON body carries its own types: an integer field takes only a JSON integer, a boolean
    only true/false. marshmallow by default also reads 2.5 as 2, "7" as 7 and 0 as false, which
    the spec (type integer / boolean) does not allow; query strings keep the lenient reading."""
    for field in _leaf_fields(schema):
        if isinstance(field, fields.Integer):
            field.strict = True
        elif isinstance(field, fields.Boolean):
            field.__class__ = _JsonBoolean  # this body schema's own field instance only


INT32 = validate.Range(min=-(2**31), max=2**31 - 1)


def bound_integers(schema) -> None:
    """An integer without a Range of its own takes what an integer column holds, in the spec
    (minimum/maximum) and when read: a larger id or filter is a 422 the spec predicts, on
    SQLite and PostgreSQL alike, instead of a database error or a silent empty list."""
    for field in _leaf_fields(schema):
        if isinstance(field, fields.Integer) and not any(
                isinstance(v, validate.Range) for v in field.validators):
            field.validators.append(INT32)


class _JsonBoolean(fields.Boolean):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 0 and 1 would match {False} and {True}
            raise self.make_error("invalid", input=value)
        return value


def _enforce_streamed_limit() -> None:
    """werkzeug cuts a body sent without Content-Length (Transfer-Encoding: chunked) at
    MAX_CONTENT_LENGTH and hands on the truncated part: read it here, and answer 413 if more
    follows, rather than a misleading "invalid JSON"."""
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return
    request.get_data(cache=True, parse_form_data=True)
    if request.environ["wsgi.input"].read(1):
        raise ApiError(413, "The request body is larger than this service accepts "
                       f"({request.max_content_length} bytes).")


def init_app(app: Flask) -> None:
    app.before_request(_enforce_streamed_limit)
