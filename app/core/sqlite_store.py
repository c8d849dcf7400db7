"""The ``Store`` of the SQLite group commit: plain SQL on the writer connection's thread.

A mutation's coroutine runs here to completion without ever suspending: every
method below does its SQL at once and returns, so ``run_to_completion`` drives
the same async code that runs over the ORM on PostgreSQL, on the connection's
own thread, in one hop for the whole batch (``app.core.sqlite_writer``).

Like an ORM session it keeps one object per row and, at ``flush``, writes the
columns a mutation set to another value, found by comparing with the values
read. As with the ORM, a JSON value changed in place is not seen: assign a new one.
"""

import sqlite3
from collections.abc import Coroutine, Hashable
from typing import Any, TypeVar

from sqlmodel import SQLModel

from app.adapters.sqlalchemy import loaded
from app.core.sqlite_rows import (
    column_names,
    count_values,
    insert,
    insert_values,
    select_values,
    unstored_values,
    update,
)
from app.core.store import Duplicate

Row = TypeVar("Row", bound=SQLModel)
T = TypeVar("T")


class SQLiteStore:
    def __init__(self, connection: sqlite3.Connection, *, memo: dict[Hashable, Any] | None = None) -> None:
        """``memo``: the transaction's (``SQLiteWriter.memo``, shared by a batch's jobs); else this
        store's own."""
        self.connection = connection
        self.memo: dict[Hashable, Any] = {} if memo is None else memo
        self._rows: dict[tuple[type[SQLModel], int], tuple[SQLModel, dict[str, Any]]] = {}

    async def one(self, model: type[Row], /, *, lock: bool = False, **where: Any) -> Row | None:
        # ``lock`` needs nothing here: the batch's BEGIN IMMEDIATE holds the database's write lock.
        found = select_values(self.connection, model, where)
        return self._mapped(model, found[0]) if found else None

    async def all(self, model: type[Row], /, *, order_by: str = "id", **where: Any) -> list[Row]:
        return [
            self._mapped(model, values)
            for values in select_values(self.connection, model, where, order_by=order_by)
        ]

    def new(self, model: type[Row], /, **values: Any) -> Row:
        return loaded(model, unstored_values(model, values))

    async def insert(self, row: Row) -> Row:
        try:
            insert(self.connection, row)
        except sqlite3.IntegrityError as error:
            if str(error).startswith("UNIQUE constraint failed"):
                raise Duplicate(str(error)) from error
            raise
        self._track(row)
        return row

    def add(self, model: type[SQLModel], /, **values: Any) -> None:
        insert_values(self.connection, model, values)

    async def count_by(self, model: type[SQLModel], key: str, /, **where: Any) -> dict[Any, int]:
        self.flush()
        return count_values(self.connection, model, key, where)

    def flush(self) -> None:
        """Write every changed column of the rows handed out or inserted."""
        for row, read in self._rows.values():
            now = row.__dict__  # the ORM's state dict: every column of a row read or inserted here
            changed = [name for name, value in read.items() if now[name] != value]
            if changed:
                update(self.connection, row, *changed)
                read.update((name, now[name]) for name in changed)

    def _mapped(self, model: type[Row], values: dict[str, Any]) -> Row:
        known = self._rows.get((model, values["id"]))
        if known is not None:
            row: Row = known[0]  # type: ignore[assignment]
            return row
        row = loaded(model, values)
        self._rows[(model, values["id"])] = (row, dict(values))
        return row

    def _track(self, row: SQLModel) -> None:
        now = row.__dict__
        values = {name: now[name] for name in column_names(type(row))}
        self._rows[(type(row), values["id"])] = (row, values)


def run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends (one over a ``SQLiteStore``).

    One that does suspend awaited something outside the store, which cannot run
    on the connection's thread: a programming error, raised loudly.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    coroutine.close()
    raise RuntimeError("a group-commit write awaited something other than its store")
