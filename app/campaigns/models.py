"""The campaigns table: what a call of a campaign is seeded with, and how long its live data is kept."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


class Campaign(TableModel, table=True):
    __tablename__ = "campaigns"

    id: str = Field(primary_key=True, max_length=200)
    name: str
    objectives: list[str] = Field(sa_column=Column(JSON, nullable=False))
    cost_per_minute: float
    retention_days: float | None = None
    redaction: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """The campaign's redaction policy (``app.redaction``); ``None``: the server's default."""
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
