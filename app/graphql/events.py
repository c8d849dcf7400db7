"""Typed events of a call's log: one GraphQL type per kind of change.

Records inside an event are the snapshot taken when the change committed, so
a replayed event shows the call as it was then. Nested lists under an event's
``call`` (transcripts, phases...) are read live.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from app.calls import models
from app.calls.enums import EventType
from app.calls.events import Event
from app.graphql.enums import CallEventType, CallStatus, ObjectiveStatus
from app.graphql.loaders import Loaders
from app.graphql.types import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    CoachingRecommendation,
    LiveCall,
    PerformanceMetrics,
    SentimentAnalysis,
    SupervisorAction,
    TranscriptEntry,
)


@strawberry.interface(description="A change to one call. `sequence` is contiguous per call from 1.")
class CallEvent:
    call_id: str
    sequence: int
    type: CallEventType
    occurred_at: datetime


@strawberry.type(description="The call was started (startLiveCall).")
class CallStartedEvent(CallEvent):
    call: LiveCall


@strawberry.type(description="The call's status changed.")
class CallStatusChangedEvent(CallEvent):
    call: LiveCall
    previous_status: CallStatus


@strawberry.type(description="A transcript line was added.")
class TranscriptAddedEvent(CallEvent):
    transcript: TranscriptEntry


@strawberry.type(description="An interim transcript line was replaced in place.")
class TranscriptUpdatedEvent(CallEvent):
    transcript: TranscriptEntry


@strawberry.type(description="The rolling sentiment moved after a final line.")
class SentimentUpdatedEvent(CallEvent):
    sentiment: SentimentAnalysis


@strawberry.type(description="Performance metrics were updated.")
class MetricsUpdatedEvent(CallEvent):
    metrics: PerformanceMetrics


@strawberry.type(description="Duration, audio levels or current phase label moved; cost with them.")
class ProgressUpdatedEvent(CallEvent):
    call: LiveCall
    system_config: CallSystemConfig


@strawberry.type(description="Phases changed: `phases` holds the ones that changed.")
class PhaseChangedEvent(CallEvent):
    call: LiveCall
    phases: list[CallPhase]


@strawberry.type(description="A supervisor acted on the call.")
class SupervisorActionAddedEvent(CallEvent):
    action: SupervisorAction


@strawberry.type(description="A coaching recommendation was added.")
class RecommendationAddedEvent(CallEvent):
    recommendation: CoachingRecommendation


@strawberry.type(description="Recording was switched on or off.")
class RecordingToggledEvent(CallEvent):
    call: LiveCall


@strawberry.type(description="A pipeline service reported its status.")
class SystemStatusUpdatedEvent(CallEvent):
    system_config: CallSystemConfig


@strawberry.type(description="An objective moved (updateCallObjective).")
class ObjectiveUpdatedEvent(CallEvent):
    objective: CallObjective
    previous_status: ObjectiveStatus


@strawberry.type(description="The call ended; its stream completes after this event.")
class CallEndedEvent(CallEvent):
    call: LiveCall
    phases: list[CallPhase] = strawberry.field(description="The phase completed by the ending.")
    deactivated_recommendations: int


_CLASSES: dict[EventType, type] = {
    EventType.CALL_STARTED: CallStartedEvent,
    EventType.STATUS_CHANGED: CallStatusChangedEvent,
    EventType.TRANSCRIPT_ADDED: TranscriptAddedEvent,
    EventType.TRANSCRIPT_UPDATED: TranscriptUpdatedEvent,
    EventType.SENTIMENT_UPDATED: SentimentUpdatedEvent,
    EventType.METRICS_UPDATED: MetricsUpdatedEvent,
    EventType.PROGRESS_UPDATED: ProgressUpdatedEvent,
    EventType.PHASE_CHANGED: PhaseChangedEvent,
    EventType.SUPERVISOR_ACTION_ADDED: SupervisorActionAddedEvent,
    EventType.RECOMMENDATION_ADDED: RecommendationAddedEvent,
    EventType.RECORDING_TOGGLED: RecordingToggledEvent,
    EventType.SYSTEM_STATUS_UPDATED: SystemStatusUpdatedEvent,
    EventType.OBJECTIVE_UPDATED: ObjectiveUpdatedEvent,
    EventType.CALL_ENDED: CallEndedEvent,
}
EVENT_TYPES: tuple[type, ...] = tuple(_CLASSES.values())


def _call(payload: dict[str, Any], loaders: Loaders) -> LiveCall:
    return LiveCall.from_row(models.LiveCall.model_validate(payload["call"]), loaders)


def _phases(payload: dict[str, Any]) -> list[CallPhase]:
    return [CallPhase.from_row(models.CallPhase.model_validate(row)) for row in payload["phases"]]


def _config(payload: dict[str, Any]) -> CallSystemConfig:
    return CallSystemConfig.from_row(models.CallSystemConfig.model_validate(payload["systemConfig"]))


def _transcript(payload: dict[str, Any]) -> TranscriptEntry:
    return TranscriptEntry.from_row(models.LiveTranscript.model_validate(payload["transcript"]))


_BUILDERS: dict[EventType, Callable[[dict[str, Any], Loaders], dict[str, Any]]] = {
    EventType.CALL_STARTED: lambda p, lo: {"call": _call(p, lo)},
    EventType.STATUS_CHANGED: lambda p, lo: {
        "call": _call(p, lo),
        "previous_status": CallStatus(p["previousStatus"]),
    },
    EventType.TRANSCRIPT_ADDED: lambda p, lo: {"transcript": _transcript(p)},
    EventType.TRANSCRIPT_UPDATED: lambda p, lo: {"transcript": _transcript(p)},
    EventType.SENTIMENT_UPDATED: lambda p, lo: {
        "sentiment": SentimentAnalysis.from_row(models.SentimentAnalysis.model_validate(p["sentiment"]))
    },
    EventType.METRICS_UPDATED: lambda p, lo: {
        "metrics": PerformanceMetrics.from_row(models.LivePerformanceMetrics.model_validate(p["metrics"]))
    },
    EventType.PROGRESS_UPDATED: lambda p, lo: {"call": _call(p, lo), "system_config": _config(p)},
    EventType.PHASE_CHANGED: lambda p, lo: {"call": _call(p, lo), "phases": _phases(p)},
    EventType.SUPERVISOR_ACTION_ADDED: lambda p, lo: {
        "action": SupervisorAction.from_row(models.SupervisorAction.model_validate(p["action"]))
    },
    EventType.RECOMMENDATION_ADDED: lambda p, lo: {
        "recommendation": CoachingRecommendation.from_row(
            models.CoachingRecommendation.model_validate(p["recommendation"])
        )
    },
    EventType.RECORDING_TOGGLED: lambda p, lo: {"call": _call(p, lo)},
    EventType.SYSTEM_STATUS_UPDATED: lambda p, lo: {"system_config": _config(p)},
    EventType.OBJECTIVE_UPDATED: lambda p, lo: {
        "objective": CallObjective.from_row(models.CallObjective.model_validate(p["objective"])),
        "previous_status": ObjectiveStatus(p["previousStatus"]),
    },
    EventType.CALL_ENDED: lambda p, lo: {
        "call": _call(p, lo),
        "phases": _phases(p),
        "deactivated_recommendations": p["deactivatedRecommendations"],
    },
}


def to_graphql(event: Event, loaders: Loaders) -> CallEvent:
    fields = _BUILDERS[event.type](event.payload, loaders)
    cls = _CLASSES[event.type]
    instance: CallEvent = cls(
        call_id=event.call_id,
        sequence=event.seq,
        type=event.type,
        occurred_at=event.created_at,
        **fields,
    )
    return instance


@strawberry.type(description="A change on the supervisors' board: a call started, changed status or ended.")
class BoardEvent:
    type: CallEventType
    sequence: int = strawberry.field(description="The call's event sequence number.")
    occurred_at: datetime
    call: LiveCall


def to_board_event(event: Event, loaders: Loaders) -> BoardEvent:
    return BoardEvent(
        type=event.type,
        sequence=event.seq,
        occurred_at=event.created_at,
        call=_call(event.payload, loaders),
    )
