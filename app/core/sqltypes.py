"""Column types shared by every table."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

SQLITE_TEXT_LENGTH = len("2026-01-02 03:04:05.678901")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    SQLite has no time zones and hands back naive values; storing naive UTC and
    re-attaching UTC on the way out keeps comparisons and ISO output identical
    on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, the text SQLAlchemy's ``DATETIME`` stores (``2026-01-02 03:04:05.678901``,
        microseconds always), from one ``isoformat``: every row of every append binds several,
        and the stock chain (this type's step, then the dialect's ``%``-formatting of a dict)
        was a twentieth of a group-commit job. Elsewhere, the stock chain.
        ``tests/core/test_sqltypes.py`` holds both to the same text."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not UTC:  # this type's own step: naive refused, others to UTC
                value = self.process_bind_param(value, dialect)
            return value.isoformat(" ", "microseconds")[:SQLITE_TEXT_LENGTH]

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        """On SQLite, what the stock chain returns (``datetime.fromisoformat``, as SQLAlchemy's
        ``DATETIME`` parses, then UTC attached) in one step: a call's row holds six of these.
        The text as this type stores it is parsed with its offset appended, which yields UTC
        itself: ``replace(tzinfo=UTC)`` took seven times the parse."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                parsed = datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):
                parsed = None
            if parsed is not None and parsed.tzinfo is UTC:
                return parsed
            # Not as stored here (an offset, a date alone, other text): the stock chain.
            return self.process_result_value(datetime.fromisoformat(value), dialect)

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


def utcnow() -> datetime:
    return datetime.now(UTC)
