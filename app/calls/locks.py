"""The call's row, locked for the rest of the transaction, and its one-per-call records.

Every mutation locks the call's row first (``FOR UPDATE`` on PostgreSQL; on
SQLite the write transaction already holds the database lock), so per-call
counters for transcript order, action order and event sequence are allocated
without races and without counting rows. The lock is taken only on a call the
transaction's scope sees, so every mutation is scoped by the row it starts from.
"""

from typing import TypeVar

from sqlmodel import select

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
    query = (
        select(LiveCall)
        .where(LiveCall.call_id == call_id, tx.scope.where(LiveCall.campaign_id))
        .with_for_update()
    )
    call = (await tx.session.exec(query)).first()
    if call is None:
        raise call_not_found(call_id)
    return call


Row = TypeVar("Row", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)


async def one_for_call(tx: Transaction, model: type[Row], call: LiveCall) -> Row:
    """A call's one metrics, sentiment or config row (seeded by startLiveCall)."""
    return (await tx.session.exec(select(model).where(model.live_call_id == call.id))).one()
