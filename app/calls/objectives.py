"""updateCallObjective: the objectives the spec seeds, moved through their lifecycle.

PENDING → IN_PROGRESS → COMPLETED or MISSED, and PENDING → MISSED for an objective
never attempted. Anything else (going back, leaving COMPLETED or MISSED) is a
CONFLICT. Asking for the status an objective already has changes nothing and
records no event, so a pipeline's retry is harmless. An ended call's objectives
are final: its analytics were written when it ended.
"""

from app.calls.enums import CallStatus, EventType, ObjectiveStatus
from app.calls.events import Transaction, snapshot
from app.calls.locks import lock_call
from app.calls.models import CallObjective
from app.calls.ranges import OBJECTIVE_ORDER
from app.core.errors import Conflict, InvalidInput
from app.core.sqltypes import utcnow
from app.core.validation import in_range, not_blank

NEXT: dict[ObjectiveStatus, frozenset[ObjectiveStatus]] = {
    ObjectiveStatus.PENDING: frozenset({ObjectiveStatus.IN_PROGRESS, ObjectiveStatus.MISSED}),
    ObjectiveStatus.IN_PROGRESS: frozenset({ObjectiveStatus.COMPLETED, ObjectiveStatus.MISSED}),
}


async def update_call_objective(
    tx: Transaction,
    *,
    call_id: str,
    status: ObjectiveStatus,
    order: int | None = None,
    objective: str | None = None,
) -> CallObjective:
    """Move the objective named by ``order`` or by its text to ``status``, stamping the time."""
    if (order is None) == (objective is None):
        raise InvalidInput("order", "give exactly one of order or objective")
    in_range("order", order, *OBJECTIVE_ORDER)
    not_blank("objective", objective, max_length=500)
    call = await lock_call(tx, call_id)
    if call.status == CallStatus.ENDED.value:
        raise Conflict(f"call {call_id!r} has ended; its objectives are final", field="callId")
    named = {"order": order} if order is not None else {"objective": objective}
    row = await tx.store.one(CallObjective, live_call_id=call.id, **named)
    if row is None:
        field, value = ("order", order) if order is not None else ("objective", objective)
        raise InvalidInput(field, f"call {call_id!r} has no objective with {field} {value!r}")
    current = ObjectiveStatus(row.status)
    if status is current:
        return row
    allowed = NEXT.get(current, frozenset())
    if status not in allowed:
        options = " or ".join(sorted(option.name for option in allowed)) or "nothing (it is final)"
        raise Conflict(
            f"objective {row.order} is {current.name}; it can move to {options}, not {status.name}",
            field="status",
        )
    now = utcnow()
    row.status = status.value
    if status is ObjectiveStatus.IN_PROGRESS:
        row.started_at = now
    else:
        row.ended_at = now
    call.updated_at = now
    tx.record(
        call, EventType.OBJECTIVE_UPDATED, {"objective": snapshot(row), "previousStatus": current.value}
    )
    return row
