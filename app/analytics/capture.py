"""Summarise an ending call into its call_analytics row, inside the ending transaction.

Counts (transcript lines per speaker, supervisor actions per type) are aggregated
by the database; the one-per-call rows and the short ordered lists (phases,
objectives, highlights) are copied as snapshots.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.analytics.models import CallAnalytics
from app.calls import reads
from app.calls.enums import ObjectiveStatus, Speaker, SupervisorActionType
from app.calls.events import snapshot
from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    LiveCall,
    LivePerformanceMetrics,
    LiveTranscript,
    SentimentAnalysis,
    SupervisorAction,
)
from app.core.sqltypes import utcnow

HIGHLIGHTS = (SupervisorActionType.BOOKMARK_MOMENT.value, SupervisorActionType.FLAG_FOR_REVIEW.value)


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start is not None and end is not None else None


async def capture(session: AsyncSession, call: LiveCall) -> tuple[CallAnalytics, bool]:
    """Write (or rewrite) the call's summary; ``True`` with it when the row is new.

    A call ended twice keeps one row, rewritten with the later end.
    """
    assert call.id is not None and call.end_time is not None
    await session.flush()
    metrics = (await reads.one_by_call(session, LivePerformanceMetrics, [call.id]))[call.id]
    sentiment = (await reads.one_by_call(session, SentimentAnalysis, [call.id]))[call.id]
    config = (await reads.one_by_call(session, CallSystemConfig, [call.id]))[call.id]
    phases = (await reads.ordered_by_call(session, CallPhase, [call.id])).get(call.id, [])
    objectives = (await reads.ordered_by_call(session, CallObjective, [call.id])).get(call.id, [])
    lines = await _counts(session, LiveTranscript.speaker, LiveTranscript.live_call_id, call.id)
    actions = await _counts(session, SupervisorAction.action, SupervisorAction.live_call_id, call.id)
    highlights = (
        await session.exec(
            select(SupervisorAction)
            .where(SupervisorAction.live_call_id == call.id, col(SupervisorAction.action).in_(HIGHLIGHTS))
            .order_by(col(SupervisorAction.order))
        )
    ).all()

    existing = (
        await session.exec(select(CallAnalytics).where(CallAnalytics.call_id == call.call_id))
    ).first()
    statuses = [objective.status for objective in objectives]
    values: dict[str, Any] = {
        "campaign_id": call.campaign_id,
        "campaign_name": call.campaign_name,
        "agent_name": call.agent_name,
        "customer_name": call.customer_name,
        "start_time": call.start_time,
        "end_time": call.end_time,
        "duration": call.duration,
        "elapsed_seconds": seconds_between(call.start_time, call.end_time),
        "cost_per_minute": config.cost_per_minute,
        "total_cost": config.total_cost,
        "positive_percentage": sentiment.positive_percentage,
        "neutral_percentage": sentiment.neutral_percentage,
        "negative_percentage": sentiment.negative_percentage,
        "sentiment_trend": sentiment.trend,
        "conversion_probability": metrics.conversion_probability,
        "objectives_total": len(objectives),
        "objectives_completed": statuses.count(ObjectiveStatus.COMPLETED.value),
        "objectives_missed": statuses.count(ObjectiveStatus.MISSED.value),
        "agent_lines": lines.get(Speaker.AGENT.value, 0),
        "customer_lines": lines.get(Speaker.CUSTOMER.value, 0),
        "bookmark_count": actions.get(SupervisorActionType.BOOKMARK_MOMENT.value, 0),
        "flag_count": actions.get(SupervisorActionType.FLAG_FOR_REVIEW.value, 0),
        "actions_by_type": actions,
        "metrics": snapshot(metrics),
        "sentiment": snapshot(sentiment),
        "phases": [
            {**snapshot(phase), "seconds": seconds_between(phase.start_time, phase.end_time)}
            for phase in phases
        ],
        "objectives": [snapshot(objective) for objective in objectives],
        "bookmarks": [snapshot(action) for action in highlights if action.action == HIGHLIGHTS[0]],
        "flags": [snapshot(action) for action in highlights if action.action == HIGHLIGHTS[1]],
    }
    if existing is None:
        row = CallAnalytics(call_id=call.call_id, created_at=utcnow(), **values)
        session.add(row)
    else:
        row = existing
        for name, value in values.items():
            setattr(row, name, value)
    await session.flush()
    return row, existing is None


async def _counts(session: AsyncSession, key: Any, owner: Any, call_id: int) -> dict[str, int]:
    """Rows of one call per value of ``key``, counted by the database."""
    query = select(key, func.count()).where(owner == call_id).group_by(key)
    return dict((await session.exec(query)).all())
