"""Fixtures: a migrated SQLite file per test and the real ASGI app over HTTP and WebSocket."""

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.call_hooks import AppCallHooks
from app.calls.writes import WritePath
from app.core.config import Settings
from app.core.db import Database
from app.core.migrations import upgrade
from app.core.pubsub import PubSub
from app.main import create_app
from tests.factories import Api
from tests.live import Http, LiveServer

pytest_plugins = ["tests.scaled"]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the latest migration, made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "calls.db"
    upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def settings(tmp_path: Path, scaled_settings: Settings | None, migrated_sqlite: Path) -> Settings:
    if scaled_settings is not None:  # TEST_DATABASE=postgres: a fresh PostgreSQL database and Redis
        return scaled_settings
    path = tmp_path / "calls.db"
    shutil.copyfile(migrated_sqlite, path)
    # Authentication has its own tests (tests/auth); elsewhere the API is exercised anonymously.
    return Settings(database_url=f"sqlite+aiosqlite:///{path}", auth_disabled=True)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def pubsub(settings: Settings) -> AsyncIterator[PubSub]:
    hub = PubSub(settings.broadcast_url, buffer=50)
    await hub.connect()
    yield hub
    await hub.disconnect()


@pytest.fixture
def writes(db: Database, pubsub: PubSub, settings: Settings) -> WritePath:
    """The app's one write path over the test's database, for driving services directly."""
    return WritePath(db, pubsub, AppCallHooks.from_settings(settings))


@pytest.fixture
def start_server(settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """Start a real uvicorn server on a free loopback port, with settings overridden."""
    servers: list[LiveServer] = []

    def start(*, send_buffer: int | None = None, **overrides: Any) -> LiveServer:
        server = LiveServer(settings.model_copy(update=overrides), send_buffer=send_buffer).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server()


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[Http]:
    client = Http(live_server.http_url)
    yield client
    await client.close()
