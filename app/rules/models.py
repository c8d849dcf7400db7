"""Tables of rules and alerts, the per-rule state of a call, the global alert stream and counters.

``alert_log`` is the alerts subscription's record: its sequence (``id``) comes from the ``alert_seq``
counter, taken under that counter's row lock, so the stream is contiguous and in commit
order on PostgreSQL too (an autoincrement id is neither). ``counters`` also holds
``rule_version``, which every rule change moves, so each process knows when to recompile.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime

RULE_VERSION = "rule_version"
ALERT_SEQ = "alert_seq"


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Rule(TableModel, table=True):
    __tablename__ = "rules"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str | None = Field(default=None, index=True, max_length=200)
    """``None``: a global rule, applied to every call."""
    name: str = Field(max_length=200)
    severity: str
    enabled: bool = True
    kind: str
    condition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The condition's own fields (``app.rules.conditions``), by ``kind``."""
    coaching: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """The recommendation template a firing adds to the call, if any."""
    webhook: bool = False
    cooldown_seconds: float = 300
    created_at: datetime = _when()
    updated_at: datetime = _when()
    created_by: str | None = None


class Alert(TableModel, table=True):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_severity", "status", "severity"),)

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE", index=True)
    call_id: str = Field(max_length=200)
    campaign_id: str | None = Field(default=None, index=True, max_length=200)
    rule_id: int | None = Field(default=None, foreign_key="rules.id", ondelete="SET NULL")
    """``None`` once the rule is deleted; the alert keeps its ``rule_name``."""
    rule_name: str
    severity: str
    status: str
    reason: str
    matched: str | None = None
    raised_seq: int
    """The call event sequence of its ALERT_RAISED."""
    raised_at: datetime = _when()
    acknowledged_at: datetime | None = _when(nullable=True)
    acknowledged_by: str | None = None
    resolved_at: datetime | None = _when(nullable=True)
    resolved_by: str | None = None
    note: str | None = None


class RuleCallState(TableModel, table=True):
    """What one rule remembers about one call: when it last fired, and what its condition tracks."""

    __tablename__ = "rule_call_states"
    __table_args__ = (UniqueConstraint("rule_id", "live_call_id", name="uq_rule_call_states"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="rules.id", ondelete="CASCADE")
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE", index=True)
    last_fired_at: datetime | None = _when(nullable=True)
    streak: int = 0
    """Consecutive lines the condition held (sentiment for N lines)."""
    since: datetime | None = _when(nullable=True)
    """Since when the condition has held (time-based conditions)."""
    said: bool = False
    """Whether a phrase the rule waits for was said (phrases not said)."""
    value: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class AlertLog(TableModel, table=True):
    """One alert event of any call, in the order of the global alerts stream."""

    __tablename__ = "alert_log"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    """The alerts stream's sequence (``alert_seq``); named ``id`` as the stores find rows by it."""
    alert_id: int = Field(index=True)
    call_id: str = Field(max_length=200)
    campaign_id: str | None = Field(default=None, max_length=200)
    type: str
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()


class Counter(TableModel, table=True):
    """A named number moved under its row lock (``rule_version``, ``alert_seq``)."""

    __tablename__ = "counters"

    id: str = Field(primary_key=True, max_length=64)
    """The counter's name (the stores find rows by ``id``)."""
    value: int = 0
