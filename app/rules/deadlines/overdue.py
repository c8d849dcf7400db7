"""Instructions the pipeline did not acknowledge in time raise an alert, once, with no write at all.

The deadline claimer's poll runs this too: one indexed query (``ix_agent_instructions_overdue``)
for open instructions made INSTRUCTION_ACK_TIMEOUT seconds ago or more that have not raised
their alert. Each fires in its own write transaction that locks the instruction and then its
call, the order a receipt takes them in, so a receipt racing the alert waits for it or wins
it, never deadlocks with it. Under those locks the row is read again, and only if it is still
unacknowledged and unmarked is it marked and its alert raised: two workers polling it queue
on the lock and the second finds it marked; a worker that dies before its commit leaves it
for the next poll; a server down when it came due raises it on its first poll back.

A receipt after the alert leaves the alert open: it says the pipeline was late, which stays
true, and a supervisor resolves it as any other.
"""

import logging
from datetime import timedelta
from functools import partial

from sqlmodel import col, select

from app.calls.enums import CallStatus
from app.calls.events import Transaction
from app.calls.instruction_enums import OPEN_STATUSES
from app.calls.instruction_models import AgentInstruction
from app.calls.instructions import is_overdue, locked_instruction
from app.calls.writes import WritePath
from app.core.db import ConnectionLost, Database
from app.core.errors import NotFound
from app.core.scope import EVERY_CAMPAIGN
from app.core.sqltypes import utcnow
from app.rules.enums import Severity
from app.rules.fire import open_alert
from app.rules.models import Alert

log = logging.getLogger(__name__)

ACTOR = "rules"
NAME = "Instruction not acknowledged"
"""The alert's ``ruleName``: it has no rule."""
SEVERITY = Severity.WARNING
BATCH = 100


class OverdueInstructions:
    def __init__(self, db: Database, writes: WritePath, *, timeout: float) -> None:
        self.db = db
        self.writes = writes
        self.timeout = timeout

    async def fire_due(self) -> int:
        """Raise the alert of every instruction overdue now; how many were raised."""
        raised = 0
        for instruction_id in await self.due():
            try:
                alert = await self.writes.run(
                    EVERY_CAMPAIGN,
                    partial(alert_overdue, instruction_id=instruction_id, ack_timeout=self.timeout),
                    actor=ACTOR,
                )
            except NotFound:
                continue  # the call went (retention) between the poll and the lock; its rows with it
            except ConnectionLost:
                raise
            except Exception:
                log.exception("raising the overdue alert of instruction %d failed", instruction_id)
                continue
            raised += alert is not None
        return raised

    async def due(self) -> list[int]:
        made_by = utcnow() - timedelta(seconds=self.timeout)  # due_at(created_at) <= now, as indexed
        async with self.db.read() as session:
            query = (
                select(AgentInstruction.id)
                .where(col(AgentInstruction.status).in_([status.value for status in OPEN_STATUSES]))
                .where(col(AgentInstruction.overdue_alerted_at).is_(None))
                .where(col(AgentInstruction.created_at) <= made_by)
                .order_by(col(AgentInstruction.created_at))
                .limit(BATCH)
            )
            rows = (await session.exec(query)).all()
        return [row for row in rows if row is not None]


async def alert_overdue(tx: Transaction, *, instruction_id: int, ack_timeout: float) -> Alert | None:
    """One overdue instruction, under its and its call's locks: marked, and its alert raised
    unless its call has ended. One acknowledged or marked since the poll read it is left alone."""
    row, call = await locked_instruction(tx, str(instruction_id))
    now = utcnow()
    if row.overdue_alerted_at is not None or not is_overdue(
        row.status, row.created_at, now=now, timeout=ack_timeout
    ):
        return None
    row.overdue_alerted_at = now
    if call.status == CallStatus.ENDED.value:
        return None
    return await open_alert(
        tx,
        call,
        rule_id=None,
        name=NAME,
        severity=SEVERITY,
        reason=f"{row.kind} instruction not acknowledged within {ack_timeout:g} s: {row.text}",
        matched=row.text,
    )
