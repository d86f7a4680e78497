"""The /scim/v2 blueprint: discovery, Users and Groups of the token's organization only."""

import logging

from flask import Blueprint, current_app, g, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    Group,
    NotFoundException,
    PatchOp,
    SCIMException,
    ScimPolicy,
    UnauthorizedException,
    User,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from models import ROLES

from ..db import db
from ..request_body import loads
from . import discovery, store
from .errors import from_exception, from_http, scim_error, scim_response
from .query import attribute_args, list_response, narrowing
from .tokens import org_for_token

log = logging.getLogger(__name__)
bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
MODELS = {"Users": User, "Groups": Group}
# What we tolerate from identity providers beyond the strict RFC: attributes we do not keep (an
# enterprise extension's department) are dropped, not refused; Entra's `remove` with a value
# and its `replace` on a filter that matches nothing yet (emails[type eq "work"].value).
POLICY = ScimPolicy(unknown=ScimPolicy.Unknown.ignore,
                    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)


def base() -> str:
    return request.host_url.rstrip("/") + "/scim/v2"


@bp.before_request
def authenticate():
    """A live SCIM token names the organization every request works in."""
    header = request.headers.get("Authorization", "")
    org = org_for_token(db.session, header[7:].strip()) if header[:7].lower() == "bearer " else None
    if org is None:
        raise UnauthorizedException(detail="Send a live SCIM token: Authorization: Bearer scim_...")
    g.scim_org = org


@bp.errorhandler(SCIMException)
def scim_exception(error):
    db.session.rollback()
    return from_exception(error)


@bp.errorhandler(ValidationError)
def invalid_payload(error):
    db.session.rollback()
    return scim_error(400, f"The resource did not validate: {error.errors()[0]['msg']}", "invalidValue")


@bp.errorhandler(IntegrityError)
def conflict(_error):
    db.session.rollback()
    return scim_error(409, "That conflicts with an existing resource (externalId?).", "uniqueness")


@bp.errorhandler(HTTPException)
def http_error(error):
    return from_http(error)


@bp.errorhandler(OperationalError)
def database_down(_error):
    db.session.rollback()
    log.error("SCIM: database unavailable", exc_info=True)
    return scim_error(503, "The database is unavailable; nothing was saved. Try again shortly.")


@bp.errorhandler(Exception)
def unexpected(_error):
    log.exception("SCIM: unhandled error")
    db.session.rollback()
    return scim_error(500, "Something went wrong on our side.")


def body(model, context):
    """The request's JSON body validated as a SCIM message or resource."""
    return model.model_validate(loads(request.get_data(cache=True) or b"null"), scim_ctx=context,
                                scim_policy=POLICY)


def dump(resource, status=200, context=Context.RESOURCE_QUERY_RESPONSE):
    data = resource.model_dump(scim_ctx=context, **attribute_args(type(resource)))
    headers = {"Location": resource.meta.location} if status == 201 else None
    return scim_response(data, status, headers)


@bp.route("/ServiceProviderConfig")
def service_provider_config():
    """What this endpoint supports (PATCH, filters; no bulk, sort or ETags)."""
    return scim_response(discovery.service_provider_config(base()))


@bp.route("/ResourceTypes", defaults={"name": None})
@bp.route("/ResourceTypes/<name>")
def resource_types(name):
    """User and Group, or one of them."""
    if name is None:
        items = [discovery.resource_type(n, base()) for n in discovery.MODELS]
        return scim_response(_listing(items))
    if name not in discovery.MODELS:
        raise NotFoundException(detail=f"No resource type {name}.")
    return scim_response(discovery.resource_type(name, base()))


@bp.route("/Schemas", defaults={"schema_id": None})
@bp.route("/Schemas/<schema_id>")
def schemas(schema_id):
    """The User and Group schemas, reduced to the attributes we keep."""
    ids = discovery.schema_ids()
    if schema_id is None:
        return scim_response(_listing([discovery.schema(n, base()) for n in ids.values()]))
    if schema_id not in ids:
        raise NotFoundException(detail=f"No schema {schema_id}.")
    return scim_response(discovery.schema(ids[schema_id], base()))


def _listing(items: list) -> dict:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(items), "startIndex": 1, "itemsPerPage": len(items), "Resources": items}


@bp.route("/.search", methods=["POST"])
def search_everything():
    """Searching Users and Groups at once is not supported (RFC 7644 3.4.3 allows a 501)."""
    return scim_error(501, "Search /Users or /Groups, not the root.")


@bp.route("/<kind>", methods=["GET"])
def list_resources(kind):
    """Users or Groups of the organization, filtered and paged."""
    model = _model(kind)
    narrow = narrowing(request.args.get("filter"))
    resources = store.all_resources(db.session, g.scim_org, model, base(), narrow)
    return scim_response(list_response(model, resources))


@bp.route("/<kind>", methods=["POST"])
def create(kind):
    """Provision a user or a team (409 when its userName, email or name is taken)."""
    model = _model(kind)
    resource = body(model, Context.RESOURCE_CREATION_REQUEST)
    role = current_app.config["SCIM_DEFAULT_ROLE"]
    role = role if role in ROLES else "rep"  # a mistyped setting never makes an unknown role
    created = store.create(db.session, g.scim_org, resource, base(), role)
    db.session.commit()
    return dump(created, 201, Context.RESOURCE_CREATION_RESPONSE)


@bp.route("/<kind>/<resource_id>", methods=["GET"])
def get(kind, resource_id):
    """One user or team of the organization."""
    return dump(store.find(db.session, g.scim_org, _model(kind), resource_id, base()))


@bp.route("/<kind>/<resource_id>", methods=["PUT"])
def replace(kind, resource_id):
    """Replace a user or team with the body (active false deactivates)."""
    model = _model(kind)
    resource = body(model, Context.RESOURCE_REPLACEMENT_REQUEST)
    replaced = store.replace(db.session, g.scim_org, model, resource_id, resource, base())
    db.session.commit()
    return dump(replaced, 200, Context.RESOURCE_REPLACEMENT_RESPONSE)


@bp.route("/<kind>/<resource_id>", methods=["PATCH"])
def patch(kind, resource_id):
    """Apply add / replace / remove operations (members of a group; active false deactivates)."""
    model = _model(kind)
    operations = body(PatchOp[model], Context.RESOURCE_PATCH_REQUEST)
    current = store.find(db.session, g.scim_org, model, resource_id, base())
    operations.patch(current, scim_policy=POLICY)
    patched = store.replace(db.session, g.scim_org, model, resource_id, current, base())
    db.session.commit()
    return dump(patched, 200, Context.RESOURCE_PATCH_RESPONSE)


@bp.route("/<kind>/<resource_id>", methods=["DELETE"])
def delete(kind, resource_id):
    """A user is deactivated (nothing of theirs deleted); a team is removed, its members kept."""
    store.delete(db.session, g.scim_org, _model(kind), resource_id)
    db.session.commit()
    return "", 204


def _model(kind: str):
    if kind in ("ServiceProviderConfig", "ResourceTypes", "Schemas"):
        raise MethodNotAllowed(valid_methods=["GET"])
    if kind not in MODELS:
        raise NotFoundException(detail=f"No resource type at /{kind}.")
    return MODELS[kind]
