"""Read side: calls and their records, fetched in batches for DataLoaders.

Each ``*_by_call`` function answers for many calls in one statement, so a
board of N calls costs the same number of statements as a board of one.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, and_, bindparam, false, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    CoachingRecommendation,
    LiveCall,
    LivePerformanceMetrics,
    LiveTranscript,
    SentimentAnalysis,
    SupervisorAction,
)
from app.core.errors import InvalidInput
from app.core.scope import Scope

OneRow = TypeVar("OneRow", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)
OrderedRow = TypeVar("OrderedRow", CallObjective, CallPhase, SupervisorAction)


async def get_call(session: AsyncSession, call_id: str, *, scope: Scope) -> LiveCall | None:
    """The call, or ``None`` when there is none or it is another campaign's."""
    query = select(LiveCall).where(LiveCall.call_id == call_id, scope.where(LiveCall.campaign_id))
    return (await session.exec(query)).first()


class CallOrder(StrEnum):
    NEWEST = "NEWEST"
    ATTENTION = "ATTENTION"
    """Open CRITICAL alerts first, then open WARNING, then the most negative sentiment, then newest."""


def _order_keys(order: CallOrder) -> list[Any]:
    """The columns a board is sorted by, each descending, the call's id last (unique)."""
    newest = [col(LiveCall.created_at), col(LiveCall.id)]
    if order is CallOrder.NEWEST:
        return newest
    return [
        col(LiveCall.open_critical),
        col(LiveCall.open_warning),
        col(SentimentAnalysis.negative_percentage),
        *newest,
    ]


def _after(keys: list[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after ``values`` in descending order of ``keys``: (k1 < v1) or (k1 = v1 and k2 < v2) or ..."""
    condition: ColumnElement[bool] = false()
    for index in range(len(keys) - 1, -1, -1):
        condition = or_(keys[index] < values[index], and_(keys[index] == values[index], condition))
    return condition


async def _cursor(session: AsyncSession, call: LiveCall, order: CallOrder) -> tuple[Any, ...]:
    """The values of the order's keys for ``call``, the last of the previous page."""
    if order is CallOrder.NEWEST:
        return (call.created_at, call.id)
    sentiment = await session.exec(
        select(SentimentAnalysis.negative_percentage).where(SentimentAnalysis.live_call_id == call.id)
    )
    negative = sentiment.first()
    return (call.open_critical, call.open_warning, negative, call.created_at, call.id)


async def list_calls(
    session: AsyncSession,
    *,
    statuses: Sequence[str] | None = None,
    scope: Scope,
    campaign_id: str | None = None,
    first: int,
    after: str | None = None,
    order: CallOrder = CallOrder.NEWEST,
) -> list[LiveCall]:
    """Newest first (or by attention), only calls in ``scope``; ``after`` is the callId of the
    previous page's last call.

    A ``campaign_id`` outside the scope is FORBIDDEN rather than an empty page, so a
    dashboard misconfigured with the wrong campaign says so. By attention, a call whose
    alerts or sentiment moved between two pages may show on both or neither.
    """
    keys = _order_keys(order)
    query = select(LiveCall).where(scope.where(LiveCall.campaign_id))
    if order is CallOrder.ATTENTION:
        query = query.join(SentimentAnalysis, col(SentimentAnalysis.live_call_id) == col(LiveCall.id))
    if statuses:
        query = query.where(col(LiveCall.status).in_(statuses))
    if campaign_id is not None:
        scope.require("campaignId", campaign_id)
        query = query.where(LiveCall.campaign_id == campaign_id)
    if after is not None:
        cursor = await get_call(session, after, scope=scope)
        if cursor is None:
            raise InvalidInput("after", f"no call with callId {after!r} to page after")
        query = query.where(_after(keys, await _cursor(session, cursor, order)))
    query = query.order_by(*(key.desc() for key in keys)).limit(first)
    return list((await session.exec(query)).all())


async def one_by_call(
    session: AsyncSession, model: type[OneRow], call_ids: Sequence[int]
) -> dict[int, OneRow]:
    rows = (await session.exec(select(model).where(col(model.live_call_id).in_(call_ids)))).all()
    return {row.live_call_id: row for row in rows}


async def ordered_by_call(
    session: AsyncSession, model: type[OrderedRow], call_ids: Sequence[int]
) -> dict[int, list[OrderedRow]]:
    query = (
        select(model)
        .where(col(model.live_call_id).in_(call_ids))
        .order_by(col(model.live_call_id), col(model.order))
    )
    grouped: dict[int, list[OrderedRow]] = defaultdict(list)
    for row in (await session.exec(query)).all():
        grouped[row.live_call_id].append(row)
    return grouped


async def recommendations_by_call(
    session: AsyncSession, call_ids: Sequence[int], *, active_only: bool
) -> dict[int, list[CoachingRecommendation]]:
    """Highest priority first, then newest."""
    query = select(CoachingRecommendation).where(col(CoachingRecommendation.live_call_id).in_(call_ids))
    if active_only:
        query = query.where(col(CoachingRecommendation.is_active).is_(True))
    query = query.order_by(col(CoachingRecommendation.priority).desc(), col(CoachingRecommendation.id).desc())
    grouped: dict[int, list[CoachingRecommendation]] = defaultdict(list)
    for row in (await session.exec(query)).all():
        grouped[row.live_call_id].append(row)
    return grouped


class TranscriptRow(NamedTuple):
    """A stored transcript line (``LiveTranscript``) as read for display: its values, without ORM state.

    A monitor opens a call with up to 1,000 lines; loaded as ORM instances they
    were over half the time of that request (``scripts/bench``, nested read).
    """

    live_call_id: int
    order: int
    timestamp: str
    speaker: str
    text: str
    sentiment: str | None
    confidence: float | None
    is_final: bool
    segment_id: str | None
    created_at: datetime


def _transcripts_window() -> Any:
    rank = (
        func.row_number()
        .over(partition_by=col(LiveTranscript.live_call_id), order_by=col(LiveTranscript.order))
        .label("rank")
    )
    ranked = (
        select(LiveTranscript, rank)
        .where(col(LiveTranscript.live_call_id).in_(bindparam("ids", expanding=True)))
        .where(col(LiveTranscript.order) > bindparam("after"))
        .subquery()
    )
    columns = [ranked.c[name] for name in TranscriptRow._fields]
    return (
        select(*columns)
        .where(ranked.c.rank <= bindparam("first"))
        .order_by(ranked.c.live_call_id, ranked.c.order)
    )


TRANSCRIPTS_WINDOW = _transcripts_window()
"""Built once: building it per read (the subquery's columns) took a millisecond."""


async def transcripts_by_call(
    session: AsyncSession, call_ids: Sequence[int], *, first: int, after: int | None
) -> dict[int, list[TranscriptRow]]:
    """Up to ``first`` lines per call with ``order > after``, by order, in one statement."""
    values = {"ids": list(call_ids), "after": -1 if after is None else after, "first": first}
    grouped: dict[int, list[TranscriptRow]] = defaultdict(list)
    # Core, not the session: the ORM's result machinery cost more than the rows' SQL.
    connection = await session.connection()
    for row in (await connection.execute(TRANSCRIPTS_WINDOW, values)).all():
        line = TranscriptRow._make(row)
        grouped[line.live_call_id].append(line)
    return grouped
