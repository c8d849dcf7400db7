"""Arming, moving and disarming one rule's clock on one call, inside the change that does it.

The caller holds the call's row lock (every change does), so no other transaction arms or
fires the same row meanwhile; the row is made the first time a clock starts.
"""

from datetime import datetime, timedelta
from typing import Any

from app.calls.models import LiveCall
from app.core.store import Store
from app.rules.deadlines.models import RuleDeadline


async def clock(store: Store, rule_id: int, call: LiveCall) -> RuleDeadline | None:
    return await store.one(RuleDeadline, rule_id=rule_id, live_call_id=call.id)


async def arm(
    store: Store,
    rule_id: int,
    call: LiveCall,
    *,
    since: datetime,
    seconds: float,
    detail: dict[str, Any] | None = None,
) -> RuleDeadline:
    """Start (or restart) the clock at ``since``: due ``seconds`` later."""
    assert call.id is not None
    row = await clock(store, rule_id, call)
    if row is None:
        row = await store.insert(RuleDeadline(rule_id=rule_id, live_call_id=call.id, call_id=call.call_id))
    row.since = since
    row.due_at = since + timedelta(seconds=seconds)
    if detail != row.detail:
        row.detail = detail
    return row


async def disarm(store: Store, rule_id: int, call: LiveCall) -> None:
    """Stop the clock: the condition stopped holding before it came due."""
    row = await clock(store, rule_id, call)
    if row is not None:
        stop(row)


def stop(row: RuleDeadline) -> None:
    if row.due_at is not None:
        row.due_at = None
    if row.since is not None:
        row.since = None
