"""Engines and sessions: one writer path and one reader path.

SQLite allows one writer at a time. A transaction that reads and then writes
under plain ``BEGIN`` fails with "database is locked" when another writer got
there first (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout. So writers take
the lock up front with ``BEGIN IMMEDIATE`` on a one-connection engine (writers
in this process queue on the pool instead of spinning on the file lock), and
readers use a separate engine that WAL lets run beside the writer.
PostgreSQL needs none of this: services lock the call's row instead.

A PostgreSQL connection can drop (a restart, a failover, a killed backend).
Idle pooled connections are checked before use (``pool_pre_ping``). A write
whose connection drops *before* it commits has written nothing (the server
rolls it back), so ``write()`` reports it as ``ConnectionLost``, which callers
may safely run again; a drop during COMMIT is ambiguous and is not converted.
"""

import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlmodel.ext.asyncio.session import AsyncSession

from app.adapters.aiosqlite import open_connection, run_on_connection_thread
from app.core.config import Settings
from app.core.json_text import COLUMN_CODEC
from app.core.kept_connection import KeptConnection
from app.core.sqlite_store import SQLiteStore, run_to_completion
from app.core.sqlite_writer import SQLiteWriter
from app.core.store import OrmStore, Store

T = TypeVar("T")
IDLE_READERS = 4
"""Reader checkouts ``read_rows`` keeps between reads (of the reader pool's 8, and 8 more at a peak)."""
Reading = Callable[[Store], Coroutine[Any, Any, T]]


def _sqlite_engine(url: URL, **options: Any) -> AsyncEngine:
    """An engine whose connections open whole: a task cancelled mid-open (at shutdown, say)
    leaves no aiosqlite thread to answer after the loop has closed (``open_connection``)."""
    args, kwargs = url.get_dialect()().create_connect_args(url)
    return create_async_engine(
        url, async_creator=partial(open_connection, *args, **kwargs), **COLUMN_CODEC, **options
    )


def _sqlite_pragmas(
    engine: AsyncEngine,
    *,
    busy_timeout_ms: int,
    immediate: bool,
    opened: weakref.WeakSet[aiosqlite.Connection],
) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        opened.add(dbapi_connection.driver_connection)
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # WAL is a property of the file (migrations set it). Switching takes a lock
        # that two connections opening at once fight over, busy timeout or not, so
        # only switch when the file is not in WAL yet.
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        # The pool's own ROLLBACK on return is off (pool_reset_on_return=None): one more hop to
        # aiosqlite's thread per use, though every user ends its transaction. A connection
        # returned inside one anyway is rolled back here; asking costs no hop.
        if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()


class ConnectionLost(Exception):
    """The database connection dropped before the write transaction committed: nothing was written."""


_commits: ContextVar[int] = ContextVar("commits", default=0)


def commits_so_far() -> int:
    """Write transactions committed so far in this context (a retry must not repeat one)."""
    return _commits.get()


def _dropped(error: BaseException) -> bool:
    if isinstance(error, DBAPIError):
        return error.connection_invalidated
    return isinstance(error, OSError)


class Database:
    """The application's engines; ``write()`` and ``read()`` hand out sessions."""

    def __init__(self, settings: Settings) -> None:
        url = make_url(settings.database_url)
        self._opened: weakref.WeakSet[aiosqlite.Connection] = weakref.WeakSet()
        self.is_sqlite = url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            # The pool's ROLLBACK on return is ``_on_reset``'s, only when a transaction is open.
            self.writer = _sqlite_engine(
                url, pool_size=1, max_overflow=0, pool_timeout=300, pool_reset_on_return=None
            )
            self.reader = _sqlite_engine(url, pool_size=8, max_overflow=8, pool_reset_on_return=None)
            busy = settings.sqlite_busy_timeout_ms
            _sqlite_pragmas(self.writer, busy_timeout_ms=busy, immediate=True, opened=self._opened)
            _sqlite_pragmas(self.reader, busy_timeout_ms=busy, immediate=False, opened=self._opened)
            self.sqlite_writer: SQLiteWriter | None = (
                SQLiteWriter(self.writer) if settings.sqlite_group_commit else None
            )
        else:
            self.writer = create_async_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True, **COLUMN_CODEC
            )
            self.reader = self.writer
            self.sqlite_writer = None
        self._idle_readers: list[KeptConnection] = []
        self.read_trace: Callable[[str], None] | None = None
        """SQLite's trace callback for the statements of ``read_rows`` (``bench/statements.py``)."""
        self._write_sessions = async_sessionmaker(
            self.writer, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )
        self._read_sessions = async_sessionmaker(
            self.reader, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction: committed on success, rolled back on error.

        Raises ``ConnectionLost`` when the connection drops before COMMIT is sent.
        """
        if self.sqlite_writer is None:
            async with self._write() as session:
                yield session
            return
        async with self.sqlite_writer.lent(), self._write() as session:
            yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        async with self._write_sessions() as session:
            try:
                await session.begin()
                await session.connection()
                yield session
                await session.flush()
            except Exception as error:
                if _dropped(error):
                    raise ConnectionLost(str(error)) from error
                raise
            await session.commit()
            _commits.set(_commits.get() + 1)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    async def read_rows(self, reading: Reading[T]) -> T:
        """``reading`` over a ``Store`` in one read transaction, for the hot reads.

        On SQLite it runs as plain SQL on a reader connection's own thread, the whole read in
        one hop: through the ORM each statement is a round of hops from the event loop to
        aiosqlite's thread and back (a session's checkout, BEGIN, SELECT and ROLLBACK are nine),
        about 1 ms of CPU for one row. Elsewhere it runs over an ORM session, so the read is
        written once. ``reading`` must only read: what it changes is rolled back.
        """
        if not self.is_sqlite:
            async with self.read() as session:
                return await reading(OrmStore(session))
        kept = self._idle_readers.pop() if self._idle_readers else KeptConnection(self.reader)
        try:
            found: T = await run_on_connection_thread(await kept.get(), _read, reading, self.read_trace)
        except BaseException:
            await kept.release()
            raise
        if len(self._idle_readers) < IDLE_READERS:
            self._idle_readers.append(kept)
        else:
            await kept.release()
        return found

    async def ping(self) -> None:
        async with self.reader.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def dispose(self) -> None:
        """Close every connection, also those a cancelled task still had checked out.

        An engine's ``dispose`` closes only the connections in its pool. A SQLite connection left
        checked out (its task cancelled at shutdown mid-statement) keeps its aiosqlite thread, which
        can finish the statement after the event loop has closed and raise "Event loop is closed"
        there (as it can when the pool's garbage collection stops it later, from another loop).
        ``close`` queues behind whatever the thread still runs, so once it returns the thread has
        handed back everything while the loop is alive, and has ended.
        """
        if self.sqlite_writer is not None:
            await self.sqlite_writer.close()
        while self._idle_readers:
            await self._idle_readers.pop().release()
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
        for driver in list(self._opened):
            await driver.close()


def _read(connection: sqlite3.Connection, reading: Reading[T], trace: Callable[[str], None] | None) -> T:
    """Run on the reader connection's thread: one snapshot for every statement of ``reading``."""
    connection.set_trace_callback(trace)
    connection.execute("BEGIN")
    try:
        return run_to_completion(reading(SQLiteStore(connection)))
    finally:
        connection.execute("ROLLBACK")
        connection.set_trace_callback(None)
