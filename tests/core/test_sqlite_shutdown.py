"""Shutdown closes every SQLite connection, also one a cancelled task still had checked out
or was still opening.

A connection left open keeps its aiosqlite thread, which can answer after the event loop has
closed and raise "Event loop is closed" on that thread (CI failed on it, in a later test).
"""

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import aiosqlite
import pytest

from app.core.config import Settings
from app.core.db import Database

CLOSED = r"no active connection|Connection closed"
"""What aiosqlite raises once a connection is closed."""


@pytest.fixture
def sqlite_settings(settings: Settings) -> Settings:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's connection threads")
    return settings


async def _checked_out(engine: Any) -> tuple[Any, aiosqlite.Connection]:
    connection = await engine.connect()
    raw = await connection.get_raw_connection()
    driver: aiosqlite.Connection = raw.driver_connection
    return connection, driver


@pytest.mark.parametrize("engine", ["reader", "writer"])
async def test_a_connection_still_checked_out_at_shutdown_is_closed(
    sqlite_settings: Settings, engine: str
) -> None:
    db = Database(sqlite_settings)
    connection, driver = await _checked_out(getattr(db, engine))

    await db.dispose()

    with pytest.raises(ValueError, match=CLOSED):
        await driver.execute("SELECT 1")
    await connection.invalidate()


async def test_connections_back_in_their_pools_are_closed_too(sqlite_settings: Settings) -> None:
    db = Database(sqlite_settings)
    async with db.reader.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection

    await db.dispose()

    with pytest.raises(ValueError, match=CLOSED):
        await driver.execute("SELECT 1")


def _connection_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


@pytest.fixture
def slow_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """sqlite3.connect on aiosqlite's thread waits for ``release`` once it has signalled ``opening``."""
    opening, release = threading.Event(), threading.Event()
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opening.set()
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield opening, release
    release.set()


async def test_a_task_cancelled_while_its_connection_opens_leaves_no_connection_thread(
    sqlite_settings: Settings, slow_open: tuple[threading.Event, threading.Event]
) -> None:
    opening, release = slow_open
    db = Database(sqlite_settings)
    before = _connection_threads()
    reading = asyncio.create_task(db.ping())
    await asyncio.to_thread(opening.wait, 5)

    reading.cancel()
    threading.Timer(0.5, release.set).start()
    with pytest.raises(asyncio.CancelledError):
        await reading
    await db.dispose()

    left = [t for t in _connection_threads() - before if not t.join(0.1) and t.is_alive()]
    assert left == []
