"""Shutdown closes every SQLite connection, also one a cancelled task still had checked out.

A connection left open keeps its aiosqlite thread, which can answer after the event loop has
closed and raise "Event loop is closed" on that thread (CI failed on it, in a later test).
"""

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
