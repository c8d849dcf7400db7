"""The call's row, locked for the rest of the transaction, and its one-per-call records.

Every mutation locks the call's row first (``FOR UPDATE`` on PostgreSQL; on
SQLite the write transaction already holds the database lock), so per-call
counters for transcript order, action order and event sequence are allocated
without races and without counting rows. The lock is taken only on a call the
transaction's scope sees, so every mutation is scoped by the row it starts from.
"""

from typing import TypeVar

from app.calls.errors import call_not_found
from app.calls.events import Transaction
from app.calls.models import (
    CallSystemConfig,
    LiveCall,
    LivePerformanceMetrics,
    SentimentAnalysis,
)


async def lock_call(tx: Transaction, call_id: str) -> LiveCall:
    """The call, if the transaction's scope sees it: another campaign's call is NOT_FOUND."""
    call = await tx.store.one(LiveCall, lock=True, call_id=call_id)
    if call is None or not tx.scope.sees(call.campaign_id):
        raise call_not_found(call_id)
    return call


Row = TypeVar("Row", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)


async def one_for_call(tx: Transaction, model: type[Row], call: LiveCall) -> Row:
    """A call's one metrics, sentiment or config row (seeded by startLiveCall)."""
    row = await tx.store.one(model, live_call_id=call.id)
    assert row is not None, f"call {call.call_id!r} has no {model.__name__} row"
    return row
