"""The aiosqlite internals app/adapters/aiosqlite.py relies on, as of aiosqlite 0.22.1.

If one of these fails after upgrading aiosqlite, re-read ``Connection._execute``,
``Connection._conn`` and ``Connection._thread`` in aiosqlite/core.py and adjust the adapter; the group
commit built on it is tested in tests/core/test_sqlite_writer.py.
"""

import inspect
import sqlite3
import threading
from pathlib import Path

import aiosqlite
import pytest

from app.adapters.aiosqlite import open_connection, run_on_connection_thread
from tests.adapters.versions import assert_tested

INTERNALS = "Connection._execute, Connection._conn and Connection._thread"


def test_aiosqlite_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("aiosqlite", ">=0.22.1,<0.23", internals=INTERNALS)


def test_the_connection_still_has_the_internals_the_adapter_uses() -> None:
    execute = inspect.signature(aiosqlite.Connection._execute)

    assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)
    assert list(execute.parameters) == ["self", "fn", "args", "kwargs"]
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn"), property)


async def test_a_connection_opened_here_runs_on_a_daemon_thread(tmp_path: Path) -> None:
    connection = await open_connection(str(tmp_path / "adapter.db"))
    try:
        assert isinstance(connection._thread, threading.Thread)
        assert connection._thread.daemon and connection._thread.is_alive()
    finally:
        await connection.close()


async def test_a_function_runs_on_the_connections_own_thread_with_its_sqlite3_connection(
    tmp_path: Path,
) -> None:
    def job(connection: sqlite3.Connection, value: int) -> tuple[int, int, bool]:
        (doubled,) = connection.execute("SELECT ? * 2", (value,)).fetchone()
        return doubled, threading.get_ident(), isinstance(connection, sqlite3.Connection)

    async with aiosqlite.connect(tmp_path / "adapter.db") as connection:
        doubled, thread, is_sqlite3 = await run_on_connection_thread(connection, job, 21)

    assert (doubled, is_sqlite3) == (42, True)
    assert thread != threading.get_ident()


async def test_what_the_function_raises_is_raised_to_the_caller(tmp_path: Path) -> None:
    def job(connection: sqlite3.Connection) -> None:
        connection.execute("SELECT * FROM missing")

    async with aiosqlite.connect(tmp_path / "adapter.db") as connection:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await run_on_connection_thread(connection, job)


async def test_a_closed_connection_refuses_at_once(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "adapter.db")
    await connection.close()

    with pytest.raises(ValueError):
        await run_on_connection_thread(connection, lambda raw: None)
