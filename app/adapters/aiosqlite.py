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
  ``ValueError`` once the connection is closed).

``tests/adapters/test_aiosqlite.py`` checks both.
"""

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

__all__ = ["run_on_connection_thread"]

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
