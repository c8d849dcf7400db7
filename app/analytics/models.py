"""call_analytics: one summary row per ended call, kept after retention removes the live records.

It copies who, when and which campaign from the call, so it stands alone once the
live_calls row is gone. Numbers that reports aggregate are columns; nested records
(phases, objectives, metrics, highlights) are JSON snapshots of the rows as they
were when the call ended.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


def _json() -> Any:
    return Field(sa_column=Column(JSON, nullable=False))


class CallAnalytics(TableModel, table=True):
    __tablename__ = "call_analytics"
    __table_args__ = (Index("ix_call_analytics_campaign_start", "campaign_id", "start_time"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: str = Field(unique=True, max_length=200)
    campaign_id: str | None = None
    campaign_name: str
    agent_name: str
    customer_name: str
    start_time: datetime = Field(sa_type=UTCDateTime, nullable=False)
    end_time: datetime = Field(sa_type=UTCDateTime, nullable=False)
    duration: float
    elapsed_seconds: float
    cost_per_minute: float
    total_cost: float
    positive_percentage: int
    neutral_percentage: int
    negative_percentage: int
    sentiment_trend: str
    conversion_probability: float
    objectives_total: int
    objectives_completed: int
    objectives_missed: int
    agent_lines: int
    customer_lines: int
    bookmark_count: int
    flag_count: int
    actions_by_type: dict[str, int] = _json()
    metrics: dict[str, Any] = _json()
    sentiment: dict[str, Any] = _json()
    phases: list[dict[str, Any]] = _json()
    objectives: list[dict[str, Any]] = _json()
    bookmarks: list[dict[str, Any]] = _json()
    flags: list[dict[str, Any]] = _json()
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
