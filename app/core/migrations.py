"""Run the alembic migrations from the app (``python -m app migrate`` and ``serve``)."""

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic.config import Config
from sqlalchemy.engine import make_url

from alembic import command
from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(settings: Settings) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database to ``revision``; a no-op when it is already there."""
    command.upgrade(alembic_config(settings), revision)
    _sqlite_wal(settings)


def _sqlite_wal(settings: Settings) -> None:
    """Leave a SQLite file in WAL mode, so the app's connections never have to switch it.

    Switching needs a lock that connections opening at the same moment fight over
    (one of them fails with "database is locked"); the mode stays with the file.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    with closing(sqlite3.connect(url.database)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
