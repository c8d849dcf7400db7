"""SQLModel rows read and written over a plain ``sqlite3`` connection.

For jobs of ``SQLiteWriter``, which run on the connection's own thread outside
the ORM. Values go through the columns' own SQLAlchemy type processors, so a
row is stored exactly as an ORM session would store it and reads back the same
either way (aware UTC datetimes, JSON, booleans); rows read are made as the ORM
makes them. Both come from ``app.adapters.sqlalchemy``, which holds the
SQLAlchemy internals they need.
"""

import copy
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

from app.adapters.sqlalchemy import Processor, loaded, sqlite_dialect, sqlite_processors
from app.core.json_text import COLUMN_CODEC

Row = TypeVar("Row", bound=SQLModel)

_DIALECT = sqlite_dialect(**COLUMN_CODEC)
"""The dialect of the app's SQLite engines (``app.core.db``), as their options make it."""


@dataclass(frozen=True)
class _Columns:
    table: str
    names: tuple[str, ...]
    to_db: dict[str, Processor]
    read: tuple[tuple[str, Processor], ...]
    """The columns whose stored values a processor turns back into the model's (the rest are
    the values themselves)."""
    written: tuple[tuple[str, Processor], ...]
    """Every column but ``id``, with the processor (if any) that stores its value."""


@cache
def _columns(model: type[SQLModel]) -> _Columns:
    configure_mappers()
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    processors = [(column.name, *sqlite_processors(column.type, _DIALECT)) for column in table.columns]
    return _Columns(
        table=table.name,
        names=tuple(name for name, _, _ in processors),
        to_db={name: to_db for name, to_db, _ in processors},
        read=tuple((name, from_db) for name, _, from_db in processors if from_db is not None),
        written=tuple((name, to_db) for name, to_db, _ in processors if name != "id"),
    )


def _params(written: tuple[tuple[str, Processor], ...], values: dict[str, Any]) -> list[Any]:
    return [values[name] if process is None else process(values[name]) for name, process in written]


def _stored(columns: _Columns, name: str, value: Any) -> Any:
    process = columns.to_db[name]
    return value if process is None else process(value)


def _where(model: type[SQLModel], where: dict[str, Any]) -> tuple[tuple[tuple[str, bool], ...], list[Any]]:
    columns = _columns(model)
    keys = tuple((key, where[key] is None) for key in where)
    return keys, [_stored(columns, key, where[key]) for key, is_null in keys if not is_null]


def _condition(keys: tuple[tuple[str, bool], ...]) -> str:
    return " AND ".join(f'"{key}" IS NULL' if is_null else f'"{key}" = ?' for key, is_null in keys) or "1"


@cache
def _select_sql(model: type[SQLModel], keys: tuple[tuple[str, bool], ...], order_by: str | None) -> str:
    columns = _columns(model)
    listed = ", ".join(f'"{name}"' for name in columns.names)
    order = f' ORDER BY "{order_by}"' if order_by else ""
    return f'SELECT {listed} FROM "{columns.table}" WHERE {_condition(keys)}{order}'


def select_values(
    connection: sqlite3.Connection,
    model: type[SQLModel],
    where: dict[str, Any],
    *,
    order_by: str | None = None,
) -> list[dict[str, Any]]:
    """The column values of every row matching ``column = value`` (``None``: IS NULL) for all of ``where``."""
    columns = _columns(model)
    keys, params = _where(model, where)
    names, read = columns.names, columns.read
    rows = []
    for found in connection.execute(_select_sql(model, keys, order_by), params).fetchall():
        values = dict(zip(names, found, strict=True))
        for name, process in read:
            values[name] = process(values[name])  # type: ignore[misc]
        rows.append(values)
    return rows


@cache
def _count_sql(model: type[SQLModel], key: str, keys: tuple[tuple[str, bool], ...]) -> str:
    table = _columns(model).table
    return f'SELECT "{key}", count(*) FROM "{table}" WHERE {_condition(keys)} GROUP BY "{key}"'


def count_values(
    connection: sqlite3.Connection, model: type[SQLModel], key: str, where: dict[str, Any]
) -> dict[Any, int]:
    """How many rows matching ``where`` hold each stored value of ``key``."""
    keys, params = _where(model, where)
    return dict(connection.execute(_count_sql(model, key, keys), params).fetchall())


def select_one(connection: sqlite3.Connection, model: type[Row], **where: Any) -> Row | None:
    """The first row matching every ``column = value`` in ``where``, or None."""
    found = select_values(connection, model, where)
    return loaded(model, found[0]) if found else None


def column_names(model: type[SQLModel]) -> tuple[str, ...]:
    return _columns(model).names


@cache
def _insert_sql(model: type[SQLModel], with_id: bool) -> str:
    columns = _columns(model)
    names = [name for name in columns.names if with_id or name != "id"]
    listed = ", ".join(f'"{name}"' for name in names)
    return f'INSERT INTO "{columns.table}" ({listed}) VALUES ({", ".join("?" * len(names))}) RETURNING id'


def insert(connection: sqlite3.Connection, row: SQLModel) -> None:
    """Insert ``row`` and set its ``id`` (a row that has one, such as a campaign's, keeps it)."""
    columns = _columns(type(row))
    with_id = getattr(row, "id", None) is not None
    params = _params(columns.written, _column_values(row))
    if with_id:
        params.insert(columns.names.index("id"), row.id)  # type: ignore[attr-defined]
    (new_id,) = connection.execute(_insert_sql(type(row), with_id), params).fetchone()
    row.id = new_id


def insert_values(connection: sqlite3.Connection, model: type[SQLModel], values: dict[str, Any]) -> None:
    """Insert a row of ``model`` from ``values``, the model's defaults for the columns not given."""
    columns = _columns(model)
    for name, default in _defaults(model).items():
        if name not in values:
            values[name] = default()
    connection.execute(_insert_sql(model, False), _params(columns.written, values))


def unstored_values(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """``values``, and for every other column what the model's constructor leaves there: its
    default, else ``None`` (which the insert refuses for a NOT NULL column, as the ORM's does)."""
    required = _required(model)
    for name, default in _defaults(model).items():
        if name not in values:
            values[name] = None if name in required else default()
    values.setdefault("id", None)
    return values


@cache
def _required(model: type[SQLModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if field.is_required())


@cache
def _defaults(model: type[SQLModel]) -> dict[str, Callable[[], Any]]:
    """How the model fills each column but ``id`` when it is not given, as a constructor would."""
    made: dict[str, Callable[[], Any]] = {}
    for name in _columns(model).names:
        field = model.model_fields[name]
        if name == "id":
            continue
        if field.default_factory is not None:
            made[name] = field.default_factory  # type: ignore[assignment]
        elif field.default is not PydanticUndefined:
            made[name] = partial(copy.copy, field.default)
        else:
            made[name] = partial(_missing, model, name)
    return made


def _missing(model: type[SQLModel], name: str) -> Any:
    raise TypeError(f"{model.__name__}.{name} has no default: give it a value")


@cache
def _update_sql(model: type[SQLModel], fields: tuple[str, ...]) -> str:
    assignments = ", ".join(f'"{name}" = ?' for name in fields)
    return f'UPDATE "{_columns(model).table}" SET {assignments} WHERE id = ?'


def update(connection: sqlite3.Connection, row: SQLModel, *fields: str) -> None:
    """Write ``fields`` of ``row`` (found by its ``id``)."""
    columns = _columns(type(row))
    values = _column_values(row)
    params = [_stored(columns, name, values[name]) for name in fields]
    connection.execute(_update_sql(type(row), fields), [*params, row.id])  # type: ignore[attr-defined]


def _column_values(row: SQLModel) -> dict[str, Any]:
    """The row's column values by name: its ``__dict__``, which holds every column of a row made
    by ``loaded``, by its model's constructor or loaded by the ORM (read without the ORM's
    attribute descriptor, a third of an insert's Python)."""
    return row.__dict__
