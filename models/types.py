"""Column types that keep money exact and times timezone-aware on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

_FEN_PER_YUAN = Decimal(100)


class Money(TypeDecorator[Decimal]):
    """Yuan as ``Decimal`` with 2 places, stored as whole fen (分) so sums are exact everywhere."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be Decimal, got {type(value).__name__}")
        fen = value * _FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise ValueError(f"{value} has more than 2 decimal places")
        return int(fen)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / _FEN_PER_YUAN).quantize(Decimal("0.01"))


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant; naive values are refused so a wall-clock time never slips in.

    SQLite has no time zones, so instants are stored in UTC there and come back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
