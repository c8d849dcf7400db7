"""The collector after startup: what startup built is frozen, collections are spaced out."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.core.migrations import upgrade
from app.main import create_app


@pytest.fixture
def thresholds() -> Iterator[None]:
    """Python's thresholds back for the tests after; what startup froze stays frozen, as every
    app started in this process leaves it."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def _settings(tmp_path: Path, **values: object) -> Settings:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'calls.db'}", **values)
    upgrade(settings)
    return settings


def test_full_collections_come_gc_full_collection_every_second_generation_ones_apart(
    tmp_path: Path, thresholds: None
) -> None:
    with TestClient(create_app(_settings(tmp_path, gc_full_collection_every=37))):
        assert gc.get_threshold()[2] == 37


def test_young_collections_come_gc_young_threshold_allocations_apart_middle_ones_about_7000(
    tmp_path: Path, thresholds: None
) -> None:
    with TestClient(create_app(_settings(tmp_path, gc_young_threshold=1234))):
        assert gc.get_threshold()[:2] == (1234, 5)
    with TestClient(create_app(_settings(tmp_path, gc_young_threshold=20_000))):
        assert gc.get_threshold()[:2] == (20_000, 1)


def test_the_defaults_space_young_collections_5000_apart_and_full_ones_100_second_generation_ones(
    tmp_path: Path, thresholds: None
) -> None:
    with TestClient(create_app(_settings(tmp_path))):
        assert gc.get_threshold() == (5_000, 1, 100)
        assert gc.get_freeze_count() > 0


def test_gc_full_collection_every_has_a_range() -> None:
    for bad in (0, -1, 100_001):
        with pytest.raises(ValueError, match="gc_full_collection_every"):
            Settings(gc_full_collection_every=bad)


def test_gc_young_threshold_has_a_range() -> None:
    for bad in (0, 99, 10_000_001):
        with pytest.raises(ValueError, match="gc_young_threshold"):
            Settings(gc_young_threshold=bad)
