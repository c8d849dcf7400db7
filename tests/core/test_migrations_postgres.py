"""The alembic migrations on PostgreSQL, as on SQLite."""

from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import app.calls.models  # noqa: F401  (registers the tables)
from app.core.config import Settings
from app.core.migrations import upgrade
from tests.infra import Infra, run_sync
from tests.scaled import only_scaled

pytestmark = only_scaled


@pytest.fixture
def empty(infra: Infra) -> Iterator[str]:
    url = infra.create_database()
    yield url
    infra.drop_database(url)


def _inspect(url: str, look: Any) -> Any:
    async def run() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(look)
        finally:
            await engine.dispose()

    return run_sync(run())


def test_upgrade_head_on_an_empty_postgres_database_creates_every_table(empty: str) -> None:
    upgrade(Settings(database_url=empty))

    tables = set(_inspect(empty, lambda connection: inspect(connection).get_table_names()))

    assert tables >= {"live_calls", "call_events", "live_transcripts", "alembic_version"}
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_postgres_migrations_leave_no_difference_from_the_models(empty: str) -> None:
    upgrade(Settings(database_url=empty))

    def differences(connection: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))

    assert _inspect(empty, differences) == []


def test_upgrade_twice_on_postgres_is_a_no_op(empty: str) -> None:
    settings = Settings(database_url=empty)
    upgrade(settings)

    upgrade(settings)
