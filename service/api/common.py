"""Fields, schemas and query helpers shared by the resource blueprints."""

import re

from marshmallow import fields, validate

from ..db import db
from ..errors import ApiError

# Numeric(14, 2): at most 12 digits before the point, so every amount that matches is storable.
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
SIGNED_MONEY_PATTERN = r"^-?[0-9]{1,13}\.[0-9]{2}$"


class Money(fields.Decimal):
    """Money: a decimal string in JSON ("1250.00"), never a number, in requests and answers alike.

    Documented as exactly that (type string with its pattern), so clients, the spec and the
    validation agree: a JSON number would arrive as a float, and a float is not money.
    """

    default_error_messages = {
        "money": "A non-negative amount with at most 2 decimals, as a string: e.g. \"1250.00\"."}

    def __init__(self, **kwargs):
        metadata = {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN,
                    "example": "1250.00", **kwargs.pop("metadata", {})}
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and re.match(MONEY_PATTERN, value)):
            raise self.make_error("money")
        return super()._deserialize(value, attr, data, **kwargs)


def money(**kwargs):
    """Money in JSON is a decimal string ("1250.00"), never a float."""
    return Money(**kwargs)


def money_change(**kwargs):
    """A difference of two amounts (answers only): a signed decimal string, e.g. "-2000.00"."""
    metadata = {"type": "string", "format": "decimal", "pattern": SIGNED_MONEY_PATTERN,
                "example": "-2000.00", **kwargs.pop("metadata", {})}
    return fields.Decimal(places=2, as_string=True, metadata=metadata, **kwargs)


def text(max_length: int = 200, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def name_field(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=200), **kwargs)


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

