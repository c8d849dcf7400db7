"""What supervisors do to a call: logged actions (END_CALL, TRANSFER_CALL act) and coaching."""

from typing import TypeVar

from app.calls.enums import (
    CallStatus,
    EventType,
    RecommendationType,
    SupervisorActionType,
)
from app.calls.events import Transaction, snapshot
from app.calls.idempotency import remember, replayed
from app.calls.lifecycle import end_call
from app.calls.locks import lock_call
from app.calls.models import (
    CoachingRecommendation,
    LiveCall,
    SupervisorAction,
)
from app.calls.new_transcript_entry import MAX_TEXT_LENGTH
from app.calls.ranges import PRIORITY
from app.calls.transitions import check_transition, ensure_open
from app.core.errors import InvalidInput
from app.core.sqltypes import utcnow
from app.core.validation import in_range, not_blank


async def add_supervisor_action(
    tx: Transaction,
    *,
    call_id: str,
    supervisor_id: str,
    supervisor_name: str,
    action: SupervisorActionType,
    details: str | None = None,
    idempotency_key: str | None = None,
) -> SupervisorAction:
    """Log the action; END_CALL ends the call and TRANSFER_CALL sets TRANSFERRING."""
    not_blank("supervisorId", supervisor_id, max_length=200)
    not_blank("supervisorName", supervisor_name, max_length=200)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    if details is not None and len(details) > MAX_TEXT_LENGTH:
        raise InvalidInput("details", f"must be at most {MAX_TEXT_LENGTH} characters")
    call = await lock_call(tx, call_id)
    assert call.id is not None
    request = {
        "supervisor_id": supervisor_id,
        "supervisor_name": supervisor_name,
        "action": action.value,
        "details": details,
    }
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addSupervisorAction", request)
        if done is not None:
            return await _created(tx, SupervisorAction, done)
    ensure_open(call, "addSupervisorAction")
    if action is SupervisorActionType.TRANSFER_CALL:
        check_transition(call, CallStatus.TRANSFERRING)
    now = utcnow()
    row = SupervisorAction(
        live_call_id=call.id,
        supervisor_id=supervisor_id,
        supervisor_name=supervisor_name,
        action=action.value,
        details=details,
        timestamp=now,
        order=call.action_count,
    )
    call.action_count += 1
    await tx.store.insert(row)
    if idempotency_key is not None:
        assert row.id is not None
        remember(tx, call, idempotency_key, "addSupervisorAction", request, row.id)
    tx.record(call, EventType.SUPERVISOR_ACTION_ADDED, {"action": snapshot(row)})
    if action is SupervisorActionType.END_CALL:
        await end_call(tx, call)
    elif action is SupervisorActionType.TRANSFER_CALL and call.status != CallStatus.TRANSFERRING.value:
        previous = call.status
        call.status = CallStatus.TRANSFERRING.value
        call.updated_at = now
        tx.record(call, EventType.STATUS_CHANGED, {"call": snapshot(call), "previousStatus": previous})
    return row


async def add_coaching_recommendation(
    tx: Transaction,
    *,
    call_id: str,
    type: RecommendationType,
    title: str,
    description: str,
    priority: int,
    idempotency_key: str | None = None,
) -> CoachingRecommendation:
    """Add an active recommendation for the agent (priority 1 to 10)."""
    not_blank("title", title, max_length=500)
    not_blank("description", description, max_length=MAX_TEXT_LENGTH)
    in_range("priority", priority, *PRIORITY)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    call = await lock_call(tx, call_id)
    assert call.id is not None
    request = {"type": type.value, "title": title, "description": description, "priority": priority}
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addCoachingRecommendation", request)
        if done is not None:
            return await _created(tx, CoachingRecommendation, done)
    ensure_open(call, "addCoachingRecommendation")
    row = await recommend(tx, call, type=type, title=title, description=description, priority=priority)
    if idempotency_key is not None:
        assert row.id is not None
        remember(tx, call, idempotency_key, "addCoachingRecommendation", request, row.id)
    return row


async def recommend(
    tx: Transaction,
    call: LiveCall,
    *,
    type: RecommendationType,
    title: str,
    description: str,
    priority: int,
) -> CoachingRecommendation:
    """An active recommendation on the locked ``call`` and its RECOMMENDATION_ADDED event: the one
    way a recommendation is made, by addCoachingRecommendation and by a rule's coaching action."""
    assert call.id is not None
    row = CoachingRecommendation(
        live_call_id=call.id,
        type=type.value,
        title=title,
        description=description,
        priority=priority,
        timestamp=utcnow(),
        is_active=True,
    )
    await tx.store.insert(row)
    tx.record(call, EventType.RECOMMENDATION_ADDED, {"recommendation": snapshot(row)})
    return row


Created = TypeVar("Created", SupervisorAction, CoachingRecommendation)


async def _created(tx: Transaction, model: type[Created], record_id: int) -> Created:
    """The record a request with the same idempotency key created."""
    row = await tx.store.one(model, id=record_id)
    assert row is not None
    return row
