"""One settings object, read from the environment, with defaults that run on a laptop."""

from functools import cached_property
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Environment first (``DATABASE_URL``, ``BROADCAST_URL``, ...), then these defaults."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite+aiosqlite:///./livecalls.db",
        description="SQLAlchemy async URL: a SQLite file by default, postgresql+asyncpg://… at scale.",
    )
    broadcast_url: str = Field(
        default="memory://",
        description="encode/broadcaster URL: memory:// for one process, redis://… across workers.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object per line; text: for people; auto: text on a terminal, else json.",
    )
    shutdown_timeout: float = Field(
        default=10,
        gt=0,
        description="Seconds a shutdown waits for streams and requests to finish before cancelling them.",
    )
    readiness_timeout: float = Field(
        default=2, gt=0, description="Seconds /readyz waits for each dependency to answer."
    )

    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    subscriber_buffer: int = Field(
        default=1_000,
        ge=1,
        description="Events one subscriber may have queued before it is closed as too slow.",
    )
    transcript_page_default: int = Field(default=200, ge=1)
    transcript_page_max: int = Field(default=1_000, ge=1)
    calls_page_default: int = Field(default=50, ge=1)
    calls_page_max: int = Field(default=200, ge=1)

    keep_alive_interval: float = Field(
        default=15,
        ge=0,
        description="Seconds between server pings on idle WebSockets (both protocols); 0 turns them off.",
    )
    graphql_allowed_origins: tuple[str, ...] = ()

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
