"""The few storage operations a mutation needs, over either of two stores.

Every mutation is written once, as async code over a ``Store``. Two stores
implement it: ``OrmStore`` over an SQLAlchemy session (PostgreSQL, and SQLite
for the mutations that need the ORM's queries), and ``SQLiteStore``
(``app.core.sqlite_store``), plain SQL on the SQLite group commit's
connection. Both keep one object per row (an identity map) and write what a
mutation changed on the rows they handed out when the transaction ends, so no
mutation lists the columns it sets: the tables do. A JSON value (a list, a
dict) is written when a mutation assigns a new one; changed in place, neither
store sees it.
"""

from collections.abc import Hashable
from typing import Any, Protocol, TypeVar

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

Row = TypeVar("Row", bound=SQLModel)


class Duplicate(Exception):
    """An insert broke a unique constraint (another request stored the same key first)."""


class Store(Protocol):
    memo: dict[Hashable, Any]
    """Values read once per transaction and kept for the rest of it (``counters.value`` keeps
    the rule version here): on the group commit one transaction holds a whole batch of writes.
    Code that changes such a value drops it from here."""

    async def one(self, model: type[Row], /, *, lock: bool = False, **where: Any) -> Row | None:
        """The row whose columns equal ``where`` (``None`` matches NULL); ``lock`` holds it
        for the rest of the transaction."""
        ...

    async def all(self, model: type[Row], /, *, order_by: str = "id", **where: Any) -> list[Row]:
        """Every row whose columns equal ``where``, by ``order_by`` ascending."""
        ...

    def new(self, model: type[Row], /, **values: Any) -> Row:
        """A row of ``model`` not stored yet (``insert`` stores it); columns not given take the
        model's defaults. This store's cheapest: the constructor on the ORM, a plain row on SQLite."""
        ...

    async def insert(self, row: Row) -> Row:
        """Store ``row`` now and set its ``id``; a broken unique constraint is ``Duplicate``."""
        ...

    def add(self, model: type[SQLModel], /, **values: Any) -> None:
        """Store a new row of ``model`` by the end of the transaction, in the order added (the
        event log); columns not given take the model's defaults. No object is made for it."""
        ...

    async def count_by(self, model: type[SQLModel], key: str, /, **where: Any) -> dict[Any, int]:
        """How many rows matching ``where`` hold each value of ``key``, counted by the database
        after the changes so far are written."""
        ...


class OrmStore:
    """A ``Store`` over an ORM session; the session's unit of work writes the changes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.memo: dict[Hashable, Any] = session.info.setdefault(_MEMO, {})

    async def one(self, model: type[Row], /, *, lock: bool = False, **where: Any) -> Row | None:
        query = select(model).where(*_equal(model, where))
        if lock:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def all(self, model: type[Row], /, *, order_by: str = "id", **where: Any) -> list[Row]:
        query = select(model).where(*_equal(model, where)).order_by(col(getattr(model, order_by)))
        return list((await self.session.exec(query)).all())

    def new(self, model: type[Row], /, **values: Any) -> Row:
        return model(**values)

    async def insert(self, row: Row) -> Row:
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError as error:
            if _unique_violation(error):
                raise Duplicate(str(error.orig)) from error
            raise
        return row

    def add(self, model: type[SQLModel], /, **values: Any) -> None:
        self.session.add(model(**values))

    async def count_by(self, model: type[SQLModel], key: str, /, **where: Any) -> dict[Any, int]:
        await self.session.flush()
        column = col(getattr(model, key))
        query = select(column, func.count()).where(*_equal(model, where)).group_by(column)
        return dict((await self.session.exec(query)).all())


_MEMO = "store memo"
"""The key of a session's memo in its ``info``: every ``OrmStore`` of one session shares it."""


def _equal(model: type[SQLModel], where: dict[str, Any]) -> list[Any]:
    conditions = []
    for name, value in where.items():
        column = col(getattr(model, name))
        conditions.append(column.is_(None) if value is None else column == value)
    return conditions


def _unique_violation(error: IntegrityError) -> bool:
    """PostgreSQL says so with SQLSTATE 23505; SQLite in its message."""
    original = error.orig
    if getattr(original, "sqlstate", None) == "23505" or getattr(original, "pgcode", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(original) or "duplicate key value" in str(original)
