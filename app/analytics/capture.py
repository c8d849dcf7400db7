"""Summarise an ending call into its call_analytics row, inside the ending transaction.

Counts (transcript lines per speaker, supervisor actions per type) are aggregated
by the database; the one-per-call rows and the short ordered lists (phases,
objectives, highlights) are copied as snapshots.
"""

from datetime import datetime
from typing import Any, TypeVar

from app.analytics.models import CallAnalytics
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
from app.core.store import Store

HIGHLIGHTS = (SupervisorActionType.BOOKMARK_MOMENT.value, SupervisorActionType.FLAG_FOR_REVIEW.value)


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start is not None and end is not None else None


async def capture(store: Store, call: LiveCall) -> tuple[CallAnalytics, bool]:
    """Write (or rewrite) the call's summary; ``True`` with it when the row is new.

    A call ended twice keeps one row, rewritten with the later end.
    """
    assert call.id is not None and call.end_time is not None
    metrics = await _one(store, LivePerformanceMetrics, call.id)
    sentiment = await _one(store, SentimentAnalysis, call.id)
    config = await _one(store, CallSystemConfig, call.id)
    phases = await store.all(CallPhase, order_by="order", live_call_id=call.id)
    objectives = await store.all(CallObjective, order_by="order", live_call_id=call.id)
    lines = await store.count_by(LiveTranscript, "speaker", live_call_id=call.id)
    actions = await store.count_by(SupervisorAction, "action", live_call_id=call.id)
    highlights = [
        action
        for action in await store.all(SupervisorAction, order_by="order", live_call_id=call.id)
        if action.action in HIGHLIGHTS
    ]

    existing = await store.one(CallAnalytics, call_id=call.call_id)
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
        row = await store.insert(CallAnalytics(call_id=call.call_id, created_at=utcnow(), **values))
    else:
        row = existing
        for name, value in values.items():
            setattr(row, name, value)
    return row, existing is None


OneRow = TypeVar("OneRow", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)


async def _one(store: Store, model: type[OneRow], call_id: int) -> OneRow:
    row = await store.one(model, live_call_id=call_id)
    assert row is not None
    return row
