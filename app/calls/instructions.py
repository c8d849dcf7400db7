"""Instructions to the call's agent: sent, delivered to the pipeline, acknowledged.

Each step changes the instruction's row and records an event on the call's log in
the same transaction, under the call's row lock: INSTRUCTION_SENT when it is made,
INSTRUCTION_DELIVERED the first time a pipeline subscriber is handed it, and
INSTRUCTION_ACKNOWLEDGED with the pipeline's outcome. The pipeline's stream
(``instruction_stream``) is the log filtered to INSTRUCTION_SENT, so it replays
and resumes exactly as callEvents does.
"""

from datetime import datetime, timedelta
from functools import partial

from app.calls.enums import EventType, SupervisorActionType
from app.calls.events import Transaction, snapshot
from app.calls.instruction_enums import (
    OPEN_STATUSES,
    InstructionKind,
    InstructionOutcome,
    InstructionSource,
    InstructionStatus,
    ParticipantMode,
)
from app.calls.instruction_models import AgentInstruction
from app.calls.locks import lock_call
from app.calls.models import LiveCall, SupervisorAction
from app.calls.new_transcript_entry import MAX_TEXT_LENGTH
from app.calls.ranges import PRIORITY, RECORD_ID
from app.calls.transitions import ensure_open
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.sqltypes import utcnow
from app.core.validation import in_range, not_blank

DEFAULT_PRIORITY = 5
"""The priority of an instruction a supervisor action makes (the action has none)."""


async def instruct(
    tx: Transaction,
    call: LiveCall,
    *,
    kind: InstructionKind,
    text: str,
    priority: int = DEFAULT_PRIORITY,
    source: InstructionSource,
    target: str | None = None,
    created_by: str | None = None,
) -> AgentInstruction:
    """A PENDING instruction and its INSTRUCTION_SENT event; the caller holds the call's lock."""
    assert call.id is not None
    row = AgentInstruction(
        live_call_id=call.id,
        call_id=call.call_id,
        kind=kind.value,
        text=text,
        target=target,
        priority=priority,
        source=source.value,
        created_by=created_by,
        status=InstructionStatus.PENDING.value,
        created_at=utcnow(),
        created_seq=call.last_sequence + 1,
    )
    await tx.store.insert(row)
    event = tx.record(call, EventType.INSTRUCTION_SENT, {"instruction": snapshot(row)})
    assert event.seq == row.created_seq
    return row


async def send_agent_instruction(
    tx: Transaction, *, call_id: str, text: str, priority: int = DEFAULT_PRIORITY
) -> AgentInstruction:
    """A supervisor's coaching for the agent, in their words (sendAgentInstruction)."""
    not_blank("text", text, max_length=MAX_TEXT_LENGTH)
    in_range("priority", priority, *PRIORITY)
    call = await lock_call(tx, call_id)
    ensure_open(call, "sendAgentInstruction")
    return await instruct(
        tx,
        call,
        kind=InstructionKind.COACH,
        text=text.strip(),
        priority=priority,
        source=InstructionSource.SUPERVISOR,
        created_by=tx.actor,
    )


async def for_action(
    tx: Transaction, call: LiveCall, action: SupervisorAction, *, mode: ParticipantMode | None = None
) -> AgentInstruction | None:
    """The instruction a supervisor action carries to the agent, if it carries one.

    COACH_AGENT: its details are the text (an action without details says nothing);
    TRANSFER_CALL: its details name the target; END_CALL; JOIN_CALL: ``mode`` is the
    participant's. Recorded before the action's own effects (END_CALL ends the call).
    """
    details = action.details.strip() if action.details and action.details.strip() else None
    made = partial(instruct, tx, call, source=InstructionSource.ACTION, created_by=action.supervisor_id)
    match SupervisorActionType(action.action):
        case SupervisorActionType.COACH_AGENT if details is not None:
            return await made(kind=InstructionKind.COACH, text=details)
        case SupervisorActionType.TRANSFER_CALL:
            text = f"Transfer the call to {details}" if details else "Transfer the call"
            return await made(kind=InstructionKind.TRANSFER, text=text, target=details)
        case SupervisorActionType.END_CALL:
            text = f"End the call: {details}" if details else "End the call"
            return await made(kind=InstructionKind.END_CALL, text=text)
        case SupervisorActionType.JOIN_CALL:
            assert mode is not None
            text = f"{action.supervisor_name} joined the call ({mode.value})"
            return await made(kind=InstructionKind.SUPERVISOR_JOINED, text=text, target=mode.value)
    return None


async def mark_delivered(tx: Transaction, *, instruction_id: int) -> AgentInstruction:
    """DELIVERED, once: the first subscriber handed it records it; later ones change nothing."""
    row, call = await locked_instruction(tx, str(instruction_id))
    if row.status == InstructionStatus.PENDING.value:
        row.status = InstructionStatus.DELIVERED.value
        row.delivered_at = utcnow()
        tx.record(call, EventType.INSTRUCTION_DELIVERED, {"instruction": snapshot(row)})
    return row


async def acknowledge_instruction(
    tx: Transaction, *, instruction_id: str, outcome: InstructionOutcome, detail: str | None = None
) -> AgentInstruction:
    """The pipeline's receipt. The same outcome again is a no-op; another one is a CONFLICT.

    Accepted on an ended call too: an END_CALL instruction is acknowledged after it ended.
    """
    not_blank("detail", detail, max_length=MAX_TEXT_LENGTH)
    row, call = await locked_instruction(tx, instruction_id)
    if row.status == outcome.value:
        return row
    if row.status not in OPEN_STATUSES:
        raise Conflict(
            f"instruction {instruction_id} was already acknowledged {row.status}; it cannot become "
            f"{outcome.value}",
            field="outcome",
            status=row.status,
        )
    row.status = outcome.value
    row.detail = detail
    row.acknowledged_at = utcnow()
    tx.record(
        call, EventType.INSTRUCTION_ACKNOWLEDGED, {"instruction": snapshot(row), "outcome": outcome.value}
    )
    return row


def due_at(created_at: datetime, timeout: float) -> datetime:
    """When an instruction made at ``created_at`` becomes overdue (INSTRUCTION_ACK_TIMEOUT seconds)."""
    return created_at + timedelta(seconds=timeout)


def is_overdue(status: str, created_at: datetime, *, now: datetime, timeout: float) -> bool:
    """Not acknowledged by its due time. One rule for the flag, the count and any alert."""
    return status in OPEN_STATUSES and now >= due_at(created_at, timeout)


def instruction_not_found(instruction_id: str) -> NotFound:
    return NotFound(f"Agent instruction {instruction_id!r} not found", instructionId=instruction_id)


async def locked_instruction(tx: Transaction, instruction_id: str) -> tuple[AgentInstruction, LiveCall]:
    """The instruction and its call, both locked, if the call is in scope.

    The instruction's row is locked first, so it is read as the last writer left it;
    its call's next. Every change to an instruction takes them in this order (the overdue
    alert's too), so two of them never wait on each other's lock.
    """
    try:
        number = int(instruction_id)
    except ValueError:
        raise InvalidInput("instructionId", f"is not an instruction id: {instruction_id!r}") from None
    if not RECORD_ID.low <= number <= RECORD_ID.high:
        raise instruction_not_found(instruction_id)
    row = await tx.store.one(AgentInstruction, lock=True, id=number)
    if row is None:
        raise instruction_not_found(instruction_id)
    try:
        call = await lock_call(tx, row.call_id)
    except NotFound:
        raise instruction_not_found(instruction_id) from None
    return row, call
