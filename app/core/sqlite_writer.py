"""Group commit for SQLite: the hot write path as plain SQL, many writes per transaction.

Through the ORM an append is ten statements, each a hop from the event loop
to aiosqlite's thread and back, plus the unit of work's bookkeeping: about
3 ms of CPU, so one worker managed a few hundred lines a second. A job here is
a plain function over the ``sqlite3`` connection. Jobs queued while a batch
runs go into the next one: one checkout of the writer connection, one hop to
its thread, one ``BEGIN IMMEDIATE`` and one ``COMMIT`` for the whole batch.
Each job runs inside its own savepoint, so a job that raises (an unknown call,
a conflict) is rolled back alone and its caller gets the exception; the
others commit. Jobs run in the order they were queued, and what each job
hands on after commit (``then``: its events to publish) is handed on in that
order too, before any caller resumes: callers resuming in any order and then
publishing would let a subscriber see a call's event 3 before event 2, and
every subscriber would go back to the log for the gap.

The writer uses the same one-connection engine as ORM write sessions, so the
two never hold SQLite's write lock at once; they take turns at the pool. The
writer keeps its checkout between batches (``KeptConnection``): an ORM write
session takes its turn through ``lent``, and the writer gives the connection
back at once, or after the batch it is running.
"""

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.aiosqlite import run_on_connection_thread
from app.core.kept_connection import KeptConnection

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]
Then = Callable[[Any], Awaitable[None]]
Trace = Callable[[str], None]

MAX_BATCH = 256


class SQLiteWriter:
    """``trace``, when set, is SQLite's trace callback for every statement of a batch
    (``bench/statements.py`` counts an append's statements with it).

    ``memo`` is the running batch's: what its jobs read once for the whole transaction (the
    rule version: nothing outside the batch can change a row while it holds the write lock).
    A job that changes such a value drops it; a job rolled back empties it, since what it
    read after its own change is gone with it. Only a job may use it, on the batch's thread.
    """

    def __init__(self, engine: AsyncEngine, *, max_batch: int = MAX_BATCH) -> None:
        self._connection = KeptConnection(engine)
        self._max_batch = max_batch
        self._queue: list[tuple[asyncio.Future[Any], Job, Then | None]] = []
        self._draining: asyncio.Task[None] | None = None
        self.trace: Trace | None = None
        self.batches = 0
        self.jobs = 0
        self._in_batch = False
        self._lending = 0
        self.memo: dict[Hashable, Any] = {}

    async def run(
        self,
        job: Callable[[sqlite3.Connection], T],
        then: Callable[[T], Awaitable[None]] | None = None,
    ) -> T:
        """Run ``job`` in the next batch's transaction; its exception is raised here.

        ``then`` gets the job's result once the batch has committed, in queue order.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((future, job, then))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                try:
                    outcomes = await self._run_batch([job for _, job, _ in batch])
                except BaseException as error:
                    for future, _, _ in batch:
                        if not future.done():
                            future.set_exception(error)
                    if not isinstance(error, Exception):
                        raise
                    continue
                for (_, _, then), (ok, value) in zip(batch, outcomes, strict=True):
                    if ok and then is not None:
                        await _hand_on(then, value)
                for (future, _, _), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():  # the caller was cancelled; its write stands
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self._draining = None

    async def _run_batch(self, jobs: list[Job]) -> list[tuple[bool, Any]]:
        self.batches += 1
        self.jobs += len(jobs)
        self._in_batch = True
        self.memo = {}
        try:
            driver = await self._connection.get()
            # The whole batch in one hop to the connection's thread (aiosqlite has no public way).
            outcomes = await run_on_connection_thread(driver, _transaction, jobs, self.trace, self.memo)
        except BaseException:
            await self._connection.release()
            raise
        finally:
            self._in_batch = False
        if self._lending:
            await self._connection.release()
        return outcomes

    @asynccontextmanager
    async def lent(self) -> AsyncIterator[None]:
        """Around an ORM write session on the same engine: the writer gives its connection back
        to the pool now, or after the batch it is running, and after every batch until the
        session is over, so the session's checkout gets it in turn."""
        self._lending += 1
        try:
            if not self._in_batch:
                await self._connection.release()
            yield
        finally:
            self._lending -= 1

    async def close(self) -> None:
        await self._connection.release()


async def _hand_on(then: Then, value: Any) -> None:
    try:
        await then(value)
    except Exception:
        # Committed is committed: the caller still gets its result.
        log.exception("after-commit step of a write failed")


def _transaction(
    connection: sqlite3.Connection, jobs: list[Job], trace: Trace | None, memo: dict[Hashable, Any]
) -> list[tuple[bool, Any]]:
    """Run on the connection's thread: every job in its savepoint, then one commit."""
    connection.set_trace_callback(trace)
    outcomes: list[tuple[bool, Any]] = []
    connection.execute("BEGIN IMMEDIATE")
    try:
        for job in jobs:
            connection.execute("SAVEPOINT job")
            try:
                outcomes.append((True, job(connection)))
            except Exception as error:
                connection.execute("ROLLBACK TO job")
                memo.clear()
                outcomes.append((False, error))
            connection.execute("RELEASE job")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.set_trace_callback(None)
    return outcomes
