"""Arming, moving and disarming one rule's clock on one call, inside the change that does it.

The caller holds the call's row lock (every change does), so no other transaction arms or
fires the same row meanwhile; the row is made the first time a clock starts. An armed
row carries its condition's fingerprint: a rule whose condition changed since (other
seconds, another state) does not fire the clocks its old condition started.
"""

import hashlib
import json
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from app.calls.models import LiveCall
from app.core.store import Store
from app.rules.conditions import AnyCondition
from app.rules.deadlines.models import RuleDeadline
from app.rules.ruleset import ActiveRule


async def clock(store: Store, rule_id: int, call: LiveCall) -> RuleDeadline | None:
    return await store.one(RuleDeadline, rule_id=rule_id, live_call_id=call.id)


async def arm(
    store: Store,
    rule: ActiveRule,
    call: LiveCall,
    *,
    since: datetime,
    seconds: float,
    detail: dict[str, Any] | None = None,
) -> RuleDeadline:
    """Start (or restart) the clock at ``since``: due ``seconds`` later."""
    assert call.id is not None
    row = await clock(store, rule.id, call)
    if row is None:
        row = await store.insert(RuleDeadline(rule_id=rule.id, live_call_id=call.id, call_id=call.call_id))
    row.since = since
    row.due_at = since + timedelta(seconds=seconds)
    stamped = {**(detail or {}), "condition": fingerprint(rule.condition)}
    if stamped != row.detail:
        row.detail = stamped
    return row


def armed_for(row: RuleDeadline, rule: ActiveRule) -> bool:
    """Whether ``row`` was armed by ``rule``'s condition as it is now."""
    return (row.detail or {}).get("condition") == fingerprint(rule.condition)


@lru_cache(maxsize=4_096)
def fingerprint(condition: AnyCondition) -> str:
    canonical = json.dumps(condition.to_json(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


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
