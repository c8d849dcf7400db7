"""The ``rule_deadlines`` table: one clock per rule per call.

A row stays once made; ``due_at`` ``NULL`` is a disarmed clock (stopped, or already fired),
so re-arming moves a row instead of inserting one, and the row's existence tells a
once-per-call clock (phrases not said within N s of connecting) it already ran. ``since``
is when the condition started to hold, ``NULL`` once it stopped: a condition that keeps
holding after its clock fired is not timed again until it stops and starts once more. Rows
go with their call (retention) or rule (deletion) by cascade.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


class RuleDeadline(TableModel, table=True):
    __tablename__ = "rule_deadlines"
    __table_args__ = (UniqueConstraint("rule_id", "live_call_id", name="uq_rule_deadlines"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="rules.id", ondelete="CASCADE")
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE", index=True)
    call_id: str = Field(max_length=200)
    """The call's id, as the firing transaction locks it by."""
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True, index=True)
    since: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """What the firing re-checks beyond the rule: the phase a phase clock runs for."""
