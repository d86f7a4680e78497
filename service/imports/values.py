"""One imported value read strictly: text, dates, money, whole numbers, choices; a value that
does not read is a `RowRejected` whose reason names the field and the value, in the row report's
words. CSV cells arrive as strings, connectors' values already typed: both are read here."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

MAX_MONEY = Decimal("999999999999.99")  # Numeric(14, 2)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RowRejected(Exception):
    """A row that is not imported; `reason` says why (it is shown to the admin as is)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(record: dict, key: str, limit: int, *, required: bool = False, default: str = "") -> str:
    value = record.get(key)
    if blank(value):
        if required:
            raise RowRejected(f"{key} is missing")
        return default
    value = str(value).strip()
    if len(value) > limit:
        raise RowRejected(f"{key} is longer than {limit} characters")
    return value


def email(record: dict, key: str) -> str:
    value = text(record, key, 320, required=True).lower()
    if not _EMAIL.match(value):
        raise RowRejected(f"{key} {value!r} is not an email address")
    return value


def money(record: dict, key: str, *, required: bool = False) -> Decimal | None:
    value = record.get(key)
    if blank(value):
        if required:
            raise RowRejected(f"{key} is missing")
        return None
    if isinstance(value, float):
        value = repr(value)
    cleaned = str(value).strip().replace(",", "").replace(" ", "").lstrip("$€£")
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RowRejected(f"{key} {value!r} is not an amount") from None
    if not amount.is_finite() or abs(amount) > MAX_MONEY:
        raise RowRejected(f"{key} {value!r} is not an amount")
    return amount


def whole(record: dict, key: str, low: int, high: int) -> int | None:
    value = record.get(key)
    if blank(value):
        return None
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        raise RowRejected(f"{key} {value!r} is not a whole number from {low} to {high}")
    return int(number)


def day(record: dict, key: str, *, required: bool = False) -> date | None:
    value = record.get(key)
    if blank(value):
        if required:
            raise RowRejected(f"{key} is missing")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    try:
        return date.fromisoformat(raw[:10]) if len(raw) >= 10 and raw[4] == "-" else _us_date(raw)
    except ValueError:
        raise RowRejected(f"{key} {value!r} is not a date (use YYYY-MM-DD)") from None


def _us_date(raw: str) -> date:
    """11/30/2026 (month first, as US CRMs export); anything else is not a date."""
    month, day_, year = (int(part) for part in raw.split("/"))
    return date(year, month, day_)


def moment(record: dict, key: str) -> datetime | None:
    """A time, UTC (a time without a zone is taken as UTC; a date alone as its midnight)."""
    value = record.get(key)
    if blank(value):
        return None
    if isinstance(value, datetime):
        at = value
    elif isinstance(value, date):
        at = datetime(value.year, value.month, value.day)
    else:
        raw = str(value).strip().replace("Z", "+00:00")
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            at = datetime.combine(day(record, key), datetime.min.time())
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def choice(record: dict, key: str, choices: tuple, default: str) -> str:
    value = text(record, key, 50, default=default).lower()
    if value not in choices:
        raise RowRejected(f"{key} {value!r} is not one of {', '.join(choices)}")
    return value


def currency(record: dict, key: str = "currency") -> str:
    value = record.get(key)
    value = "USD" if blank(value) else str(value).strip().upper()
    if not _CURRENCY.match(value):
        raise RowRejected(f"{key} {value!r} is not a three-letter currency code such as USD")
    return value
