"""SQLite connections go back to their pool outside any transaction; only one inside costs a ROLLBACK."""

from typing import Any

import aiosqlite
import pytest
from sqlalchemy import event

from app.calls.models import LiveCall
from app.core.config import Settings
from app.core.db import Database
from app.core.store import Store


@pytest.fixture
async def sqlite_db(settings: Settings) -> Any:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the SQLite pools' reset")
    database = Database(settings)
    yield database
    await database.dispose()


async def _driver(db: Database) -> tuple[Any, aiosqlite.Connection]:
    connection = await db.reader.connect()
    raw = await connection.get_raw_connection()
    return connection, raw.driver_connection


async def test_a_reader_returned_inside_a_transaction_is_rolled_back_before_its_next_use(
    sqlite_db: Database,
) -> None:
    connection, driver = await _driver(sqlite_db)
    await driver.execute("BEGIN")
    await driver.execute("SELECT 1")
    assert driver.in_transaction
    await connection.close()

    again, reused = await _driver(sqlite_db)
    await again.close()

    assert reused is driver and not reused.in_transaction


async def test_read_rows_leaves_its_connection_outside_a_transaction(sqlite_db: Database) -> None:
    async def count(store: Store) -> int:
        return len(await store.all(LiveCall))

    assert await sqlite_db.read_rows(count) == 0
    (kept,) = sqlite_db._idle_readers  # the checkout read_rows keeps for the next read

    assert not (await kept.get()).in_transaction


async def test_reads_one_after_another_keep_one_checkout_of_a_reader(sqlite_db: Database) -> None:
    async def count(store: Store) -> int:
        return len(await store.all(LiveCall))

    await sqlite_db.read_rows(count)
    checkouts: list[object] = []
    event.listen(sqlite_db.reader.sync_engine.pool, "checkout", lambda *_: checkouts.append(None))

    for _ in range(5):
        assert await sqlite_db.read_rows(count) == 0

    assert checkouts == []
