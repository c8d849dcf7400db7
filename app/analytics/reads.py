"""Read side of analytics: one call's summary, a campaign's report, a report's transcript."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, cast, func
from sqlalchemy import select as sql_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.analytics.models import CallAnalytics
from app.calls.models import LiveCall, LiveTranscript
from app.core.errors import InvalidInput, NotFound
from app.core.scope import Scope


async def get_analytics(session: AsyncSession, call_id: str, *, scope: Scope) -> CallAnalytics | None:
    """The ended call's summary if ``scope`` sees its campaign, which the row itself carries.

    The live call may be gone (retention), so the check never goes through it.
    """
    query = select(CallAnalytics).where(
        CallAnalytics.call_id == call_id, scope.where(CallAnalytics.campaign_id)
    )
    return (await session.exec(query)).first()


async def analytics_exist(session: AsyncSession, call_id: str) -> bool:
    """Whether any campaign's ended call had this callId: callIds stay taken after retention."""
    query = select(CallAnalytics.id).where(CallAnalytics.call_id == call_id)
    return (await session.exec(query)).first() is not None


@dataclass(frozen=True)
class CampaignReport:
    """Aggregates over a campaign's ended calls that started in [start, end)."""

    calls: int
    average_duration: float | None
    total_cost: float
    average_cost: float | None
    average_positive_percentage: float | None
    average_neutral_percentage: float | None
    average_negative_percentage: float | None
    average_conversion_probability: float | None
    objectives_total: int
    objectives_completed: int
    objectives_missed: int
    objectives_completion_rate: float | None
    bookmarks: int
    flags: int


async def campaign_report(
    session: AsyncSession,
    *,
    scope: Scope,
    campaign_id: str,
    start: datetime | None = None,
    end: datetime | None = None,
) -> CampaignReport:
    """One aggregate statement over call_analytics; rates are ratios of sums, not means of ratios.

    Another campaign's report is NOT_FOUND for a caller scoped to campaigns.
    """
    if not scope.sees(campaign_id):
        raise NotFound(f"no campaign {campaign_id!r}", campaignId=campaign_id)
    if start is not None and end is not None and end <= start:
        raise InvalidInput("to", "must be after `from`")
    a = CallAnalytics
    completed = func.coalesce(func.sum(a.objectives_completed), 0)
    total = func.coalesce(func.sum(a.objectives_total), 0)
    aggregates: dict[str, Any] = {
        "calls": func.count(col(a.id)),
        "average_duration": func.avg(a.duration),
        "total_cost": func.coalesce(func.sum(a.total_cost), 0.0),
        "average_cost": func.avg(a.total_cost),
        "average_positive_percentage": func.avg(a.positive_percentage),
        "average_neutral_percentage": func.avg(a.neutral_percentage),
        "average_negative_percentage": func.avg(a.negative_percentage),
        "average_conversion_probability": func.avg(a.conversion_probability),
        "objectives_total": total,
        "objectives_completed": completed,
        "objectives_missed": func.coalesce(func.sum(a.objectives_missed), 0),
        "objectives_completion_rate": cast(completed, Float) / func.nullif(cast(total, Float), 0),
        "bookmarks": func.coalesce(func.sum(a.bookmark_count), 0),
        "flags": func.coalesce(func.sum(a.flag_count), 0),
    }
    # sqlalchemy's select: sqlmodel's is typed for at most four columns.
    query = sql_select(*(value.label(name) for name, value in aggregates.items())).where(
        col(a.campaign_id) == campaign_id
    )
    if start is not None:
        query = query.where(col(a.start_time) >= start)
    if end is not None:
        query = query.where(col(a.start_time) < end)
    connection = await session.connection()
    row = (await connection.execute(query)).mappings().one()
    # PostgreSQL's avg() of an integer column is numeric (Decimal): the report speaks floats.
    values: dict[str, Any] = {
        name: value if value is None or isinstance(value, int) else float(value)
        for name, value in row.items()
    }
    return CampaignReport(**values)


async def transcript(session: AsyncSession, call_id: str, *, scope: Scope) -> list[LiveTranscript] | None:
    """Every line of the call by order; ``None`` once retention removed the call's live records
    (or when the call is outside ``scope``)."""
    visible = (LiveCall.call_id == call_id, scope.where(LiveCall.campaign_id))
    query = (
        select(LiveTranscript)
        .join(LiveCall, col(LiveCall.id) == col(LiveTranscript.live_call_id))
        .where(*visible)
        .order_by(col(LiveTranscript.order))
    )
    lines = list((await session.exec(query)).all())
    if lines:
        return lines
    exists = (await session.exec(select(LiveCall.id).where(*visible))).first()
    return [] if exists is not None else None
