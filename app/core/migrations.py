"""Run the alembic migrations from the app (``python -m app migrate`` and ``serve``)."""

from pathlib import Path

from alembic.config import Config

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
