"""Fields, schemas and query helpers shared by the resource blueprints."""

import re

from marshmallow import ValidationError, fields, validate

from ..db import db
from ..errors import ApiError

MONEY_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
MONEY_MAX = 10**12


class Money(fields.Decimal):
    """Money: a decimal string in JSON ("1250.00"), never a float. A JSON number is read too.

    Documented as what it is, so clients and spec-driven tools agree with the validation (a Range
    validator would put string bounds into a "number" schema and let "1e3" or " 5" through).
    """

    default_error_messages = {
        "money": "A non-negative amount with at most 2 decimals, as a string: e.g. \"1250.00\"."}

    def __init__(self, **kwargs):
        metadata = {"type": ["string", "number"], "format": "decimal", "pattern": MONEY_PATTERN,
                    "minimum": 0, "maximum": MONEY_MAX, "example": "1250.00",
                    **kwargs.pop("metadata", {})}
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not (is_number or (isinstance(value, str) and re.match(MONEY_PATTERN, value))):
            raise self.make_error("money")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if not 0 <= amount <= MONEY_MAX:
            raise ValidationError(f"Between 0 and {MONEY_MAX}.")
        return amount


def money(**kwargs):
    """Money in JSON is a decimal string ("1250.00"), never a float."""
    return Money(**kwargs)


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

