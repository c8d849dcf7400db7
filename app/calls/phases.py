"""The call script's phases: exactly one is active while the call runs."""

from app.calls.enums import (
    EventType,
    PhaseStatus,
    Quality,
)
from app.calls.events import Transaction, snapshot
from app.calls.locks import lock_call
from app.calls.models import (
    CallPhase,
    LiveCall,
)
from app.calls.transitions import ensure_open
from app.core.errors import InvalidInput
from app.core.sqltypes import utcnow


async def update_call_phase(
    tx: Transaction, *, call_id: str, phase: str, quality: Quality | None = None
) -> LiveCall:
    """Complete the active phase (with its quality) and activate ``phase``."""
    call = await lock_call(tx, call_id)
    ensure_open(call, "updateCallPhase")
    phases = await tx.store.all(CallPhase, order_by="order", live_call_id=call.id)
    target = next((row for row in phases if row.phase == phase), None)
    if target is None:
        known = ", ".join(repr(row.phase) for row in phases)
        raise InvalidInput("phase", f"unknown phase {phase!r}; this call's phases are {known}")
    now = utcnow()
    changed: list[CallPhase] = []
    active = next((row for row in phases if row.status == PhaseStatus.ACTIVE.value), None)
    if active is not None:
        active.status = PhaseStatus.COMPLETED.value
        active.end_time = now
        active.quality = quality.value if quality else None
        changed.append(active)
    target.status = PhaseStatus.ACTIVE.value
    target.start_time = now
    if target is not active:
        changed.append(target)
    call.current_phase = phase
    call.updated_at = now
    tx.record(
        call,
        EventType.PHASE_CHANGED,
        {"call": snapshot(call), "phases": [snapshot(row) for row in changed]},
    )
    return call
