"""The spec's string unions as GraphQL enums: UPPER_SNAKE names, the spec's strings as values.

The domain's enums are registered with Strawberry here, in place, so the
domain stays free of GraphQL imports and resolvers hand its own members on.
"""

import strawberry

from app.calls import enums
from app.calls.enums import (
    CallStatus,
    EnergyLevel,
    ObjectiveStatus,
    PhaseStatus,
    PipelineService,
    Quality,
    RecommendationType,
    ResponseQuality,
    Sentiment,
    SentimentTrend,
    ServiceStatus,
    Speaker,
    SupervisorActionType,
)
from app.calls.reads import CallOrder

strawberry.enum(CallStatus, description="Where a call is in its lifecycle.")
strawberry.enum(Speaker, description="Who spoke a transcript line.")
strawberry.enum(Sentiment, description="The sentiment of one transcript line.")
strawberry.enum(
    SentimentTrend,
    description="Direction of (positive - negative) after the last final line, with a ±5 dead band.",
)
strawberry.enum(PhaseStatus, description="A call phase's progress.")
strawberry.enum(ObjectiveStatus, description="A call objective's progress.")
strawberry.enum(Quality, description="How well a completed phase went.")
strawberry.enum(EnergyLevel, description="The agent's voice energy.")
strawberry.enum(ResponseQuality, description="The agent's answer quality.")
strawberry.enum(
    SupervisorActionType,
    description="END_CALL ends the call; TRANSFER_CALL sets it TRANSFERRING; the rest are logged.",
)
strawberry.enum(RecommendationType, description="Kind of coaching tip.")
strawberry.enum(PipelineService, description="A voice pipeline stage.")
strawberry.enum(ServiceStatus, description="A pipeline stage's health.")
strawberry.enum(
    CallOrder,
    name="LiveCallOrder",
    description=(
        "NEWEST: newest first. ATTENTION: most open CRITICAL alerts first, then open WARNING, "
        "then the most negative sentiment, then newest."
    ),
)
CallEventType = enums.EventType
strawberry.enum(CallEventType, name="CallEventType", description="Kinds of change in a call's event log.")

__all__ = [
    "CallEventType",
    "CallStatus",
    "EnergyLevel",
    "ObjectiveStatus",
    "PhaseStatus",
    "PipelineService",
    "Quality",
    "RecommendationType",
    "ResponseQuality",
    "Sentiment",
    "SentimentTrend",
    "ServiceStatus",
    "Speaker",
    "SupervisorActionType",
]
