"""SCIM's own error shape ({"schemas": [...Error], "status": "404", "detail": ...}) and media
type, for /scim paths only; the rest of the service keeps the one JSON envelope (errors.py)."""

import json

from flask import Response
from scim2_models import Error, SCIMException

MEDIA_TYPE = "application/scim+json"


def scim_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE, headers=headers)


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = Error(status=status, detail=detail, scim_type=scim_type).model_dump()
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return scim_response(body, status, headers)


def from_exception(error: SCIMException) -> Response:
    return scim_error(error.status, error.detail, error.scim_type or None)


def from_http(error) -> Response:
    """A werkzeug HTTP error (unknown path, wrong method, body too large) in SCIM's shape."""
    return scim_error(error.code or 500, error.description or "")
