"""Tables of what supervisors tell the call's agent, and of who is on the call with it.

An instruction's every step is also an event on the call's log (``INSTRUCTION_*``),
so the pipeline's stream is the log filtered, with the call's sequence as its cursor;
these rows hold each instruction's current state for the nested LiveCall and receipts.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class AgentInstruction(TableModel, table=True):
    __tablename__ = "agent_instructions"
    __table_args__ = (
        Index("ix_agent_instructions_call_status", "live_call_id", "status"),
        Index("ix_agent_instructions_overdue", "status", "overdue_alerted_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE")
    call_id: str = Field(max_length=200)
    """The call's public id: a receipt names only the instruction, and locks its call by this."""
    kind: str
    text: str
    target: str | None = None
    priority: int
    source: str
    created_by: str | None = None
    status: str
    detail: str | None = None
    """The pipeline's words with its receipt (why it rejected or failed)."""
    created_at: datetime = _when()
    delivered_at: datetime | None = _when(nullable=True)
    acknowledged_at: datetime | None = _when(nullable=True)
    created_seq: int
    """The sequence of its INSTRUCTION_SENT event: agentInstructions resumes after it."""
    overdue_alerted_at: datetime | None = _when(nullable=True)
    """When the overdue check took it, once past due unacknowledged: its alert was raised then
    (none if its call had ended). Set once, so the alert is raised once; the check's poll reads
    open instructions with none by ``ix_agent_instructions_overdue``."""


class CallParticipant(TableModel, table=True):
    """A supervisor on the call (JOIN_CALL) until they leave or the call ends."""

    __tablename__ = "call_participants"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE", index=True)
    supervisor_id: str
    supervisor_name: str
    mode: str
    joined_at: datetime = _when()
    left_at: datetime | None = _when(nullable=True)
