"""SQLAlchemy internals: rows made as the ORM makes them, values stored as SQLite's dialect stores them.

Written for SQLAlchemy 2.1.9 with SQLModel 0.0.50 (tested ranges in ``pyproject.toml``).

The SQLite group commit (``app.core.sqlite_rows``) reads and writes SQLModel
rows over a plain ``sqlite3`` connection, outside any session, and must produce
exactly what the ORM would:

- ``loaded``: ``sqlalchemy.orm.instrumentation.manager_of_class(model).new_instance()``
  and ``__dict__.update``, which is how the ORM builds an instance for a row it
  loads (``sqlalchemy.orm.loading`` does): no ``__init__``, so no validation and no
  defaults, a few microseconds instead of the thirty a constructor takes. The
  instance still has its ORM state (``sqlalchemy.inspect`` works, it is
  transient) and SQLModel's ``__new__`` gives it pydantic's bookkeeping, so it
  behaves as a loaded row. ``manager_of_class`` and ``ClassManager.new_instance``
  are not documented API.
- ``validated``: ``model_validate`` for such a row: pydantic's validation of the table's
  fields (its ``__pydantic_validator__``, with ``self_instance`` as SQLModel's own
  ``model_validate`` calls it) into an instance ``loaded`` would make, the ORM state kept.
  SQLModel then assigns every field again through the ORM's instrumentation; an event's row
  for a screen (the call in a progress event, say) took 100 µs that way.
- ``TableModel``: the base of the app's tables. A row ``loaded`` made is outside
  every session for its whole life, so an assignment to one of its columns needs
  none of what ``SQLModel.__setattr__`` does for a row a session tracks (the
  ORM's ``set_attribute``, its history and events, then pydantic's
  ``__setattr__``): it stores the value in the instance ``__dict__``, which is
  the ORM's state dict, and marks the field set as pydantic does
  (``__pydantic_fields_set__``). 0.1 µs instead of 1.5; a mutation on the group
  commit assigns thirty or so. Every other assignment is SQLModel's.
- ``sqlite_processors``: a column type's bind and result processors for the
  aiosqlite dialect, from a dialect instance made by ``sqlite_dialect`` (with an engine's
  options, such as its ``json_serializer``) rather than an engine's
  (``TypeEngine.dialect_impl``, ``bind_processor`` and ``result_processor`` are
  documented; a dialect never initialised by a connection is not). Right for
  this app's column types because their processing does not depend on what a
  connection tells the dialect; the test compares them with an engine's.

``tests/adapters/test_sqlalchemy.py`` checks both.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.types import TypeEngine
from sqlmodel import SQLModel

__all__ = ["Processor", "TableModel", "loaded", "sqlite_dialect", "sqlite_processors", "validated"]

Row = TypeVar("Row", bound=SQLModel)
Processor = Callable[[Any], Any] | None


_OUTSIDE_SESSIONS = "_outside_sessions"
"""The key, in the instance ``__dict__``, of a row ``loaded`` made (pydantic's dump ignores it)."""


class TableModel(SQLModel):
    """The base of every table: SQLModel's, with cheap assignments to rows outside sessions."""

    def __setattr__(self, name: str, value: Any) -> None:
        values = self.__dict__
        if _OUTSIDE_SESSIONS in values and name in values:
            values[name] = value
            self.__pydantic_fields_set__.add(name)
        else:
            super().__setattr__(name, value)


def loaded(model: type[Row], values: dict[str, Any]) -> Row:
    """An instance made the way the ORM makes one for a row it loads: no validation,
    no defaults. For rows no session will ever see (plain SQL's); assignments to its
    columns then skip the ORM (``TableModel``)."""
    row: Row = manager_of_class(model).new_instance()
    row.__dict__.update(values)
    row.__dict__[_OUTSIDE_SESSIONS] = True
    return row


def validated(model: type[Row], data: Any) -> Row:
    """``model.model_validate(data)`` for a row no session will see, made as ``loaded`` makes one."""
    row: Row = manager_of_class(model).new_instance()
    orm_state = row.__dict__.copy()
    model.__pydantic_validator__.validate_python(data, self_instance=row)
    row.__dict__.update(orm_state)
    row.__dict__[_OUTSIDE_SESSIONS] = True
    return row


def sqlite_dialect(**options: Any) -> Dialect:
    """The aiosqlite dialect an engine made with these ``options`` has, never connected."""
    return SQLiteDialect_aiosqlite(**options)


def sqlite_processors(kind: TypeEngine[Any], dialect: Dialect) -> tuple[Processor, Processor]:
    """How a value of this column type goes into SQLite and comes back, as the ORM does it."""
    impl = kind.dialect_impl(dialect)
    return impl.bind_processor(dialect), impl.result_processor(dialect, None)
