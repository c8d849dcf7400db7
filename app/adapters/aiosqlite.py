"""aiosqlite internals: one function, run on a connection's own thread in one hop.

Written for aiosqlite 0.22.1 (tested range in ``pyproject.toml``).

aiosqlite runs every ``sqlite3`` call on a thread of the connection's own and
offers no public way to run a function there: each public method is one hop
from the event loop to that thread and back. The SQLite group commit
(``app.core.sqlite_writer``) runs a whole batch of writes in one hop, through:

- ``Connection._execute(fn, *args)``: queues ``fn(*args)`` on the connection's
  thread and resolves with its result, or raises what it raised (aiosqlite's
  own methods are built on it);
- ``Connection._conn``: the ``sqlite3.Connection`` that thread owns (raises
  ``ValueError`` once the connection is closed);
- ``Connection._thread``: that thread, made a daemon by ``open_connection`` as SQLAlchemy's
  dialect does when it opens connections itself (a connection never closed must not keep the
  process from exiting).

``tests/adapters/test_aiosqlite.py`` checks both.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

__all__ = ["open_connection", "run_on_connection_thread"]

T = TypeVar("T")


def run_on_connection_thread(
    connection: aiosqlite.Connection, fn: Callable[..., T], *args: Any
) -> Awaitable[T]:
    """``fn(sqlite3_connection, *args)`` on ``connection``'s thread; await it for the result.

    Not a coroutine itself, so the hot path pays one call, not one more await.
    """
    execute: Callable[..., Awaitable[T]] = connection._execute
    raw: sqlite3.Connection = connection._conn
    return execute(fn, raw, *args)


async def open_connection(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
    """``aiosqlite.connect(*args, **kwargs)``, opened whole even if the caller is cancelled.

    Cancelled mid-open, aiosqlite queues the close and returns at once, while its thread is still
    opening the file; the thread answers later, possibly after the event loop has closed ("Event
    loop is closed" on that thread, charged to whichever test runs then). Here the open finishes
    and the connection is closed before the cancellation goes on, so nothing is left to answer.
    """
    connection = aiosqlite.connect(*args, **kwargs)
    connection._thread.daemon = True

    async def opened() -> aiosqlite.Connection:
        return await connection

    opening = asyncio.ensure_future(opened())
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await (await opening).close()
        raise
