from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.tables  # noqa: F401  (registers every table)
from app.core.config import Settings
from app.core.migrations import upgrade


def _migrated(tmp_path: Path) -> str:
    path = tmp_path / "empty.db"
    upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    return f"sqlite:///{path}"


def test_upgrade_head_on_an_empty_database_creates_every_table(tmp_path: Path) -> None:
    engine = create_engine(_migrated(tmp_path))

    tables = set(inspect(engine).get_table_names())

    assert tables >= {
        "live_calls",
        "call_objectives",
        "live_performance_metrics",
        "sentiment_analysis",
        "call_phases",
        "call_system_config",
        "live_transcripts",
        "supervisor_actions",
        "coaching_recommendations",
        "call_events",
        "alembic_version",
    }
    engine.dispose()


def test_migrations_leave_no_difference_from_the_models(tmp_path: Path) -> None:
    engine = create_engine(_migrated(tmp_path))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()

    assert differences == []


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}")
    upgrade(settings)

    upgrade(settings)
