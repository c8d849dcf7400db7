"""Read side: calls and their records, fetched in batches for DataLoaders.

Each ``*_by_call`` function answers for many calls in one statement, so a
board of N calls costs the same number of statements as a board of one.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import func, or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.calls.errors import InvalidInput
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

Row = TypeVar("Row", bound=SQLModel)
OneRow = TypeVar("OneRow", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)
OrderedRow = TypeVar("OrderedRow", CallObjective, CallPhase, SupervisorAction)


async def get_call(session: AsyncSession, call_id: str) -> LiveCall | None:
    return (await session.exec(select(LiveCall).where(LiveCall.call_id == call_id))).first()


async def calls_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, LiveCall]:
    rows = (await session.exec(select(LiveCall).where(col(LiveCall.id).in_(ids)))).all()
    return {row.id: row for row in rows if row.id is not None}


async def list_calls(
    session: AsyncSession,
    *,
    statuses: Sequence[str] | None = None,
    campaign_id: str | None = None,
    visible_campaigns: Collection[str] | None = None,
    first: int,
    after: str | None = None,
) -> list[LiveCall]:
    """Newest first; ``after`` is the callId of the last call of the previous page.

    ``visible_campaigns`` limits the list to those campaigns (a scoped token's view).
    """
    query = select(LiveCall)
    if statuses:
        query = query.where(col(LiveCall.status).in_(statuses))
    if visible_campaigns is not None:
        query = query.where(col(LiveCall.campaign_id).in_(list(visible_campaigns)))
    if campaign_id is not None:
        query = query.where(LiveCall.campaign_id == campaign_id)
    if after is not None:
        cursor = await get_call(session, after)
        if cursor is None:
            raise InvalidInput("after", f"no call with callId {after!r} to page after")
        assert cursor.id is not None
        created: datetime = cursor.created_at
        query = query.where(
            or_(
                col(LiveCall.created_at) < created,
                (col(LiveCall.created_at) == created) & (col(LiveCall.id) < cursor.id),
            )
        )
    query = query.order_by(col(LiveCall.created_at).desc(), col(LiveCall.id).desc()).limit(first)
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


class TranscriptLine(NamedTuple):
    """A transcript line read for display: the row's values, without ORM state.

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


async def transcripts_by_call(
    session: AsyncSession, call_ids: Sequence[int], *, first: int, after: int | None
) -> dict[int, list[TranscriptLine]]:
    """Up to ``first`` lines per call with ``order > after``, by order, in one statement."""
    rank = (
        func.row_number()
        .over(partition_by=col(LiveTranscript.live_call_id), order_by=col(LiveTranscript.order))
        .label("rank")
    )
    inner = select(LiveTranscript, rank).where(col(LiveTranscript.live_call_id).in_(call_ids))
    if after is not None:
        inner = inner.where(col(LiveTranscript.order) > after)
    ranked = inner.subquery()
    columns = [ranked.c[name] for name in TranscriptLine._fields]
    query = select(*columns).where(ranked.c.rank <= first).order_by(ranked.c.live_call_id, ranked.c.order)
    grouped: dict[int, list[TranscriptLine]] = defaultdict(list)
    for row in (await session.exec(query)).all():
        line = TranscriptLine._make(row)
        grouped[line.live_call_id].append(line)
    return grouped
