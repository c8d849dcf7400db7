"""SQLite files leave the migrations in WAL mode, so connections never race to switch them."""

import asyncio
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.config import Settings
from app.core.db import Database
from app.core.migrations import upgrade


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "template.db"
    upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    return path


def test_a_migrated_sqlite_file_is_in_wal_mode(migrated: Path) -> None:
    with closing(sqlite3.connect(migrated)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_a_writer_and_readers_opening_a_fresh_file_at_once_all_connect(
    migrated: Path, tmp_path: Path
) -> None:
    for attempt in range(30):  # the race this guards against lost about 1 in 200
        path = tmp_path / f"copy-{attempt}.db"
        shutil.copyfile(migrated, path)
        db = Database(Settings(database_url=f"sqlite+aiosqlite:///{path}"))

        async def write(db: Database = db) -> None:
            async with db.write() as session:
                await session.connection()

        async def read(db: Database = db) -> None:
            async with db.read() as session:
                await (await session.connection()).execute(text("SELECT 1"))

        try:
            await asyncio.gather(write(), *(read() for _ in range(6)))
        finally:
            await db.dispose()
