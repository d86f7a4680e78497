"""Listing SCIM resources: the filter (any RFC 7644 filter, evaluated by scim2-models on the
organization's resources), startIndex/count pagination, attributes/excludedAttributes."""

from flask import request
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    Resource,
    ResponseParameters,
    ScimFilter,
)

from .discovery import MAX_RESULTS


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidValueException(detail=f"{name} must be an integer.") from exc


def attribute_args(model: type[Resource]) -> dict:
    """attributes= / excludedAttributes= of the query, for model_dump."""
    given = {k: request.args[k] for k in ("attributes", "excludedAttributes") if request.args.get(k)}
    if not given:
        return {}
    try:
        return {"response_parameters": ResponseParameters[model].model_validate(given)}
    except ValueError as exc:
        raise InvalidValueException(detail=f"Unknown attribute in {given}.") from exc


def list_response(model: type[Resource], resources: list[Resource]) -> dict:
    """The ListResponse of the resources matching the request's filter, one page of them."""
    expression = request.args.get("filter")
    if expression:
        try:
            bound = ScimFilter[model](expression)
        except Exception as exc:  # noqa: BLE001 - lark and scim2-models raise several kinds
            raise InvalidFilterException(detail=f"The filter {expression!r} is not valid: {exc}") from exc
        resources = [r for r in resources if bound.match(r)]
    start = max(1, _int_arg("startIndex", 1))
    count = min(max(0, _int_arg("count", MAX_RESULTS)), MAX_RESULTS)
    page = resources[start - 1:start - 1 + count]
    listing = ListResponse[model](total_results=len(resources), start_index=start,
                                  items_per_page=len(page), resources=page or None)
    return listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, **attribute_args(model))
