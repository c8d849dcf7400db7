"""The webhook outbox and its delivery records.

webhook_events is the outbox: the ending transaction writes one row, so a call
that ended has its post-call event on disk even if the process dies right after.
The worker fans each event out to the configured URLs (webhook_deliveries) and
logs every POST it makes (webhook_attempts).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class WebhookEvent(TableModel, table=True):
    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_dispatched_at", "dispatched_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=64)
    type: str
    call_id: str = Field(index=True, max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _when()
    dispatched_at: datetime | None = _when(nullable=True)


class WebhookDelivery(TableModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="webhook_events.id", ondelete="CASCADE", index=True)
    url: str
    status: str
    attempts: int = 0
    next_attempt_at: datetime | None = _when(nullable=True)
    last_attempt_at: datetime | None = _when(nullable=True)
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()


class WebhookAttempt(TableModel, table=True):
    __tablename__ = "webhook_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_deliveries.id", ondelete="CASCADE", index=True)
    number: int
    attempted_at: datetime = _when()
    status_code: int | None = None
    error: str | None = None
    duration_ms: float
