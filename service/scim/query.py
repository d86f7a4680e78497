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
from scim2_models.path import CompareOperator, Comparison

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


# Filters an identity provider sends on every sync ("userName eq ..."): one comparison on an
# attribute we keep in a column narrows the rows in SQL; the filter still decides on those.
NARROWED = {"username", "emails.value", "emails", "externalid", "displayname"}


def narrowing(expression: str | None) -> tuple[str, str] | None:
    """(attribute, value) when the filter is one `eq` on an attribute with a column, else None."""
    if not expression:
        return None
    try:
        node = ScimFilter(expression).ast
    except Exception:  # noqa: BLE001 - list_response answers the invalid filter
        return None
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq:
        return None
    name = str(node.attr_path).rsplit(":", 1)[-1].lower()
    return (name, str(node.value)) if name in NARROWED and isinstance(node.value, str) else None


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
