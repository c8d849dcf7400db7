"""Typed events of a call's log: one GraphQL type per kind of change.

Records inside an event are the snapshot taken when the change committed, so
a replayed event shows the call as it was then. Nested lists under an event's
``call`` (transcripts, phases...) are read live.

Each kind is declared once, by ``@kind`` on its type: the ``EventType`` it shows
and how its fields come from the stored payload. ``KINDS`` collects them for
``to_graphql`` and the schema.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import strawberry

from app.calls import instruction_models, models
from app.calls.enums import EventType
from app.calls.events import Event, restored
from app.calls.instruction_enums import InstructionOutcome
from app.graphql.alerts import Alert
from app.graphql.enums import CallEventType, CallStatus, ObjectiveStatus
from app.graphql.instruction_types import AgentInstruction, Participant
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
from app.rules import models as rule_models


@strawberry.interface(description="A change to one call. `sequence` is contiguous per call from 1.")
class CallEvent:
    call_id: str
    sequence: int
    type: CallEventType
    occurred_at: datetime


Fields = Callable[[dict[str, Any], Loaders], dict[str, Any]]
"""An event's own fields from its stored payload (camelCase keys) and the request's loaders."""


@dataclass(frozen=True)
class Kind:
    graphql_type: type[CallEvent]
    fields: Fields


KINDS: dict[EventType, Kind] = {}
"""Every kind of event, each declared once by ``@kind`` on its GraphQL type."""

E = TypeVar("E", bound=CallEvent)


def kind(event_type: EventType, fields: Fields) -> Callable[[type[E]], type[E]]:
    """Declare the GraphQL type of ``event_type`` and how its fields come from the payload."""

    def declare(graphql_type: type[E]) -> type[E]:
        if event_type in KINDS:
            raise ValueError(f"{event_type} is declared twice")
        KINDS[event_type] = Kind(graphql_type, fields)
        return graphql_type

    return declare


def _call(payload: dict[str, Any], loaders: Loaders) -> LiveCall:
    return LiveCall.from_row(restored(models.LiveCall, payload["call"]), loaders=loaders)


def _phases(payload: dict[str, Any]) -> list[CallPhase]:
    return [CallPhase.from_row(restored(models.CallPhase, row)) for row in payload["phases"]]


def _config(payload: dict[str, Any]) -> CallSystemConfig:
    return CallSystemConfig.from_row(restored(models.CallSystemConfig, payload["systemConfig"]))


def _transcript(payload: dict[str, Any]) -> TranscriptEntry:
    return TranscriptEntry.from_row(restored(models.LiveTranscript, payload["transcript"]))


@kind(EventType.CALL_STARTED, lambda p, lo: {"call": _call(p, lo)})
@strawberry.type(description="The call was started (startLiveCall).")
class CallStartedEvent(CallEvent):
    call: LiveCall


@kind(
    EventType.STATUS_CHANGED,
    lambda p, lo: {"call": _call(p, lo), "previous_status": CallStatus(p["previousStatus"])},
)
@strawberry.type(description="The call's status changed.")
class CallStatusChangedEvent(CallEvent):
    call: LiveCall
    previous_status: CallStatus


@kind(EventType.TRANSCRIPT_ADDED, lambda p, lo: {"transcript": _transcript(p)})
@strawberry.type(description="A transcript line was added.")
class TranscriptAddedEvent(CallEvent):
    transcript: TranscriptEntry


@kind(EventType.TRANSCRIPT_UPDATED, lambda p, lo: {"transcript": _transcript(p)})
@strawberry.type(description="An interim transcript line was replaced in place.")
class TranscriptUpdatedEvent(CallEvent):
    transcript: TranscriptEntry


@kind(
    EventType.SENTIMENT_UPDATED,
    lambda p, lo: {
        "sentiment": SentimentAnalysis.from_row(restored(models.SentimentAnalysis, p["sentiment"]))
    },
)
@strawberry.type(description="The rolling sentiment moved after a final line.")
class SentimentUpdatedEvent(CallEvent):
    sentiment: SentimentAnalysis


@kind(
    EventType.METRICS_UPDATED,
    lambda p, lo: {
        "metrics": PerformanceMetrics.from_row(restored(models.LivePerformanceMetrics, p["metrics"]))
    },
)
@strawberry.type(description="Performance metrics were updated.")
class MetricsUpdatedEvent(CallEvent):
    metrics: PerformanceMetrics


@kind(EventType.PROGRESS_UPDATED, lambda p, lo: {"call": _call(p, lo), "system_config": _config(p)})
@strawberry.type(description="Duration, audio levels or current phase label moved; cost with them.")
class ProgressUpdatedEvent(CallEvent):
    call: LiveCall
    system_config: CallSystemConfig


@kind(EventType.PHASE_CHANGED, lambda p, lo: {"call": _call(p, lo), "phases": _phases(p)})
@strawberry.type(description="Phases changed: `phases` holds the ones that changed.")
class PhaseChangedEvent(CallEvent):
    call: LiveCall
    phases: list[CallPhase]


@kind(
    EventType.SUPERVISOR_ACTION_ADDED,
    lambda p, lo: {"action": SupervisorAction.from_row(restored(models.SupervisorAction, p["action"]))},
)
@strawberry.type(description="A supervisor acted on the call.")
class SupervisorActionAddedEvent(CallEvent):
    action: SupervisorAction


@kind(
    EventType.RECOMMENDATION_ADDED,
    lambda p, lo: {
        "recommendation": CoachingRecommendation.from_row(
            restored(models.CoachingRecommendation, p["recommendation"])
        )
    },
)
@strawberry.type(description="A coaching recommendation was added.")
class RecommendationAddedEvent(CallEvent):
    recommendation: CoachingRecommendation


@kind(EventType.RECORDING_TOGGLED, lambda p, lo: {"call": _call(p, lo), "by": p.get("by")})
@strawberry.type(description="Recording was switched on or off (off after on: the payment pause).")
class RecordingToggledEvent(CallEvent):
    call: LiveCall
    by: str | None = strawberry.field(description="Who switched it: the token's subject.")


@kind(EventType.SYSTEM_STATUS_UPDATED, lambda p, lo: {"system_config": _config(p)})
@strawberry.type(description="A pipeline service reported its status.")
class SystemStatusUpdatedEvent(CallEvent):
    system_config: CallSystemConfig


@kind(
    EventType.OBJECTIVE_UPDATED,
    lambda p, lo: {
        "objective": CallObjective.from_row(restored(models.CallObjective, p["objective"])),
        "previous_status": ObjectiveStatus(p["previousStatus"]),
    },
)
@strawberry.type(description="An objective moved (updateCallObjective).")
class ObjectiveUpdatedEvent(CallEvent):
    objective: CallObjective
    previous_status: ObjectiveStatus


@kind(
    EventType.CALL_ENDED,
    lambda p, lo: {
        "call": _call(p, lo),
        "phases": _phases(p),
        "deactivated_recommendations": p["deactivatedRecommendations"],
    },
)
@strawberry.type(description="The call ended; its stream completes after this event.")
class CallEndedEvent(CallEvent):
    call: LiveCall
    phases: list[CallPhase] = strawberry.field(description="The phase completed by the ending.")
    deactivated_recommendations: int


def _alert(payload: dict[str, Any], loaders: Loaders) -> dict[str, Any]:
    return {"alert": Alert.from_row(restored(rule_models.Alert, payload["alert"]))}


@kind(EventType.ALERT_RAISED, _alert)
@strawberry.type(description="A rule fired on the call.")
class AlertRaisedEvent(CallEvent):
    alert: Alert


@kind(EventType.ALERT_ACKNOWLEDGED, _alert)
@strawberry.type(description="A supervisor acknowledged one of the call's alerts.")
class AlertAcknowledgedEvent(CallEvent):
    alert: Alert


@kind(EventType.ALERT_RESOLVED, _alert)
@strawberry.type(description="A supervisor resolved one of the call's alerts.")
class AlertResolvedEvent(CallEvent):
    alert: Alert


def _instruction(payload: dict[str, Any]) -> AgentInstruction:
    return AgentInstruction.from_row(restored(instruction_models.AgentInstruction, payload["instruction"]))


def _participant(payload: dict[str, Any]) -> Participant:
    return Participant.from_row(restored(instruction_models.CallParticipant, payload["participant"]))


@kind(EventType.INSTRUCTION_SENT, lambda p, lo: {"instruction": _instruction(p)})
@strawberry.type(description="An instruction for the agent was made (PENDING); agentInstructions carries it.")
class InstructionSentEvent(CallEvent):
    instruction: AgentInstruction


@kind(EventType.INSTRUCTION_DELIVERED, lambda p, lo: {"instruction": _instruction(p)})
@strawberry.type(description="A pipeline subscriber of agentInstructions was first handed the instruction.")
class InstructionDeliveredEvent(CallEvent):
    instruction: AgentInstruction


@kind(
    EventType.INSTRUCTION_ACKNOWLEDGED,
    lambda p, lo: {"instruction": _instruction(p), "outcome": InstructionOutcome(p["outcome"])},
)
@strawberry.type(description="The pipeline acknowledged the instruction: APPLIED, REJECTED or FAILED.")
class InstructionAcknowledgedEvent(CallEvent):
    instruction: AgentInstruction
    outcome: InstructionOutcome


@kind(EventType.PARTICIPANT_JOINED, lambda p, lo: {"participant": _participant(p)})
@strawberry.type(description="A supervisor joined the call (JOIN_CALL).")
class ParticipantJoinedEvent(CallEvent):
    participant: Participant


@kind(EventType.PARTICIPANT_LEFT, lambda p, lo: {"participant": _participant(p)})
@strawberry.type(
    description="A supervisor left the call (the call ended, or they joined again in another mode)."
)
class ParticipantLeftEvent(CallEvent):
    participant: Participant


EVENT_TYPES: tuple[type[CallEvent], ...] = tuple(k.graphql_type for k in KINDS.values())


def to_graphql(event: Event, loaders: Loaders) -> CallEvent:
    declared = KINDS[event.type]
    return declared.graphql_type(
        call_id=event.call_id,
        sequence=event.seq,
        type=event.type,
        occurred_at=event.created_at,
        **declared.fields(event.payload, loaders),
    )


@strawberry.type(
    description=(
        "A change on the supervisors' board: a call started, changed status or ended, "
        "or one of its alerts was raised, acknowledged or resolved (its attention moved)."
    )
)
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
