"""The scaled test leg: ``TEST_DATABASE=postgres`` runs the suite on PostgreSQL and Redis.

The servers come from ``tests/infra.py`` (found, or installed and started once
per session). The migrations run once into a template database; each test gets
its own copy of it, dropped afterwards, so tests stay as isolated as with one
SQLite file each. Tests that only make sense on those servers (several
workers, Redis restarts) carry ``only_scaled`` and are skipped on SQLite; tests that use
no store of the test's (benchmarks, packaging, attacks on a server of their own) carry
``store_independent`` and run on the default leg only.
"""

import os
from collections.abc import Iterator

import pytest

from app.core.config import Settings
from app.core.migrations import upgrade
from tests.infra import Infra, RedisServer

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"TEST_DATABASE must be sqlite or postgres, not {BACKEND!r}")
ENABLED = BACKEND == "postgres"

only_scaled = pytest.mark.skipif(
    not ENABLED, reason="needs PostgreSQL and Redis: TEST_DATABASE=postgres (scripts/test-scaled)"
)
store_independent = pytest.mark.skipif(
    ENABLED, reason="uses no store of the test's (its own SQLite file, or none): the default leg runs it"
)
"""For modules whose tests would run the very same thing again on the scaled leg."""


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    infra = Infra().start()
    try:
        template = infra.create_database()
        upgrade(Settings(database_url=template))
        infra.use_template(template)
        yield infra
    finally:
        infra.stop()


@pytest.fixture
def scaled_settings(request: pytest.FixtureRequest) -> Settings | None:
    """``postgres_settings`` on the scaled leg, else ``None`` (and no servers started)."""
    if not ENABLED:
        return None
    postgres: Settings = request.getfixturevalue("postgres_settings")
    return postgres


@pytest.fixture
def postgres_settings(infra: Infra) -> Iterator[Settings]:
    """Settings for a fresh, migrated PostgreSQL database and the session's Redis."""
    url = infra.fresh_database()
    yield Settings(database_url=url, broadcast_url=infra.redis_url, auth_disabled=True)
    infra.discard_database(url)


@pytest.fixture
def redis_server(infra: Infra) -> Iterator[RedisServer]:
    """A Redis of the test's own, to kill and start again."""
    server = RedisServer().start()
    yield server
    server.remove()
