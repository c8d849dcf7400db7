"""UTC datetimes on SQLite: the fast bind writes SQLAlchemy's own text, the fast read returns
what SQLAlchemy's chain returns.

SQL compares these columns as text (``created_at > ?``, ``ORDER BY updated_at``), so a row
bound by the group commit and one bound by an ORM session must store the same string, and
both must be what SQLAlchemy's ``DATETIME`` would have stored.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.dialects.sqlite import DATETIME

from app.adapters.sqlalchemy import sqlite_dialect
from app.core.json_text import COLUMN_CODEC
from app.core.sqltypes import UTCDateTime

SQLITE = sqlite_dialect(**COLUMN_CODEC)


def _stock(value: datetime) -> str:
    """What SQLAlchemy's chain stores: this type's step to naive UTC, then the dialect's text."""
    naive = UTCDateTime().process_bind_param(value, SQLITE)
    process = DATETIME().bind_processor(SQLITE)
    assert process is not None
    text: str = process(naive)
    return text


def _stock_read(text: str | None) -> datetime | None:
    process = DATETIME().result_processor(SQLITE, None)
    assert process is not None
    return UTCDateTime().process_result_value(process(text), SQLITE)


def _fast_read(text: str | None) -> datetime | None:
    process = UTCDateTime().dialect_impl(SQLITE).result_processor(SQLITE, None)
    assert process is not None
    value: datetime | None = process(text)
    return value


def _fast(value: datetime | None) -> str | None:
    process = UTCDateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
    assert process is not None
    text: str | None = process(value)
    return text


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_utc_datetime_is_stored_as_sqlalchemys_sqlite_text(value: datetime) -> None:
    assert _fast(value) == _stock(value)


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 1, 1), timezones=st.timezones()))
def test_a_datetime_in_any_zone_is_stored_as_its_utc_text(value: datetime) -> None:
    assert _fast(value) == _stock(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: still written, as SQLAlchemy does
        datetime(999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),  # a three-digit year, zero-padded
        datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Paris")),
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(0))),  # UTC that is not UTC's object
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-7, minutes=-30))),
    ],
)
def test_edge_datetimes_are_stored_as_sqlalchemys_text(value: datetime) -> None:
    assert _fast(value) == _stock(value)


def test_none_is_stored_as_null() -> None:
    assert _fast(None) is None


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        _fast(datetime(2026, 1, 2, 3, 4, 5))


def test_a_date_is_refused_as_before() -> None:
    with pytest.raises(AttributeError):
        _fast(date(2026, 1, 2))  # type: ignore[arg-type]


def test_postgresql_keeps_the_stock_chain_and_an_aware_value() -> None:
    dialect = asyncpg.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    value = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2)))
    bound = process(value) if process is not None else UTCDateTime().process_bind_param(value, dialect)
    assert bound == value and bound.tzinfo is not None


@given(st.datetimes(timezones=st.just(UTC)))
def test_stored_text_reads_back_as_the_same_aware_utc_datetime(value: datetime) -> None:
    text = _fast(value)
    assert _fast_read(text) == _stock_read(text) == value
    assert _fast_read(text).tzinfo is UTC  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02 03:04:05",  # written by SQL (CURRENT_TIMESTAMP), no microseconds
        "2026-01-02",
        "2026-01-02T03:04:05.678901",
        "2026-01-02 03:04:05.678901+02:00",  # an offset in the text: converted to UTC
        None,
    ],
)
def test_other_stored_texts_read_as_sqlalchemy_reads_them(text: str | None) -> None:
    assert _fast_read(text) == _stock_read(text)


def test_text_that_is_no_datetime_is_refused_as_sqlalchemy_refuses_it() -> None:
    with pytest.raises(ValueError):
        _stock_read("yesterday")
    with pytest.raises(ValueError):
        _fast_read("yesterday")
