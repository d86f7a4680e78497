"""Fields, schemas and query helpers shared by the resource blueprints."""

from marshmallow import Schema, ValidationError, fields, validate

from ..db import db
from ..errors import ApiError


def money(**kwargs):
    """Money in JSON is a decimal string ("1250.00"), never a float."""
    return fields.Decimal(places=2, as_string=True,
                          validate=validate.Range(min=0, max=10**12), **kwargs)


def text(max_length: int = 200, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def name_field(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=200), **kwargs)


class RepFilterArgs(Schema):
    rep_id = fields.Integer(metadata={"description": "Only this rep's objects."})


def save(obj=None, conflict_message: str = "That conflicts with an existing record."):
    """Commit the request's session; unique-constraint violations answer 409."""
    from sqlalchemy.exc import IntegrityError

    if obj is not None:
        db.session.add(obj)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ApiError(409, conflict_message) from exc
    return obj


def field_error(field: str, message: str, status: int = 422):
    return ApiError(status, "The request did not validate: see fields.", fields={field: [message]})


__all__ = ["ValidationError", "field_error", "money", "name_field", "save", "text"]
