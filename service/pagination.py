"""Page-number pagination with the page in the body: {"items", "page", "per_page", "total", "pages"}."""

from functools import cache

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The envelope schema for a page of item_schema (named for the OpenAPI spec)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
        "pages": fields.Integer(required=True),
    })


def _counted(session: Session, stmt: Select, args: dict, fetch) -> dict:
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = fetch(stmt.limit(per_page).offset((page - 1) * per_page))
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": (total + per_page - 1) // per_page}


def paginate(session: Session, stmt: Select, args: dict) -> dict:
    """One COUNT and one page query, whatever the table size."""
    return _counted(session, stmt, args, lambda page: session.scalars(page).unique().all())


def paginate_rows(session: Session, stmt: Select, args: dict) -> dict:
    """`paginate` for a statement of several entities or columns: the page holds whole rows."""
    return _counted(session, stmt, args, lambda page: session.execute(page).all())
