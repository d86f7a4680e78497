"""CORS for the API: only origins an organization listed in widget_origins may call it.

Bearer tokens, never cookies, so no Allow-Credentials. A preflight carries no token, so it
is answered for an origin that any organization allows; the real request then answers with
Access-Control-Allow-Origin only when the caller's own organization allows that origin.
"""

from flask import Response, g, request
from sqlalchemy import select

from models import Organization

from ..db import db
from .tokens import normalize_origin

API_PREFIX = "/api/v1/"
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Accept"
EXPOSE_HEADERS = "Retry-After, WWW-Authenticate"


def _is_api_call() -> bool:
    return request.path.startswith(API_PREFIX) and bool(request.headers.get("Origin"))


def _origins_of_any_organization() -> set[str]:
    rows = db.session.scalars(select(Organization.widget_origins)).all()
    return {normalize_origin(o) for origins in rows for o in origins or []}


def origin_allowed(origin: str | None) -> bool:
    clean = normalize_origin(origin or "")
    if clean is None:
        return False
    user = g.get("user")
    if user is not None:
        return clean in {normalize_origin(o) for o in user.organization.widget_origins or []}
    return clean in _origins_of_any_organization()


def answer_preflight():
    """before_app_request: answer OPTIONS preflights for /api/v1/* without authentication."""
    if request.method != "OPTIONS" or not _is_api_call():
        return None
    if not request.headers.get("Access-Control-Request-Method"):
        return None
    response = Response(status=204)
    if origin_allowed(request.headers["Origin"]):
        response.headers.update({
            "Access-Control-Allow-Origin": request.headers["Origin"],
            "Access-Control-Allow-Methods": ALLOW_METHODS,
            "Access-Control-Allow-Headers": ALLOW_HEADERS,
            "Access-Control-Max-Age": "600",
        })
    response.vary.add("Origin")
    return response


def add_cors_headers(response):
    """after_app_request: Access-Control-Allow-Origin for allowed origins only."""
    if not _is_api_call() or request.method == "OPTIONS":
        return response
    response.vary.add("Origin")
    if origin_allowed(request.headers["Origin"]):
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response
