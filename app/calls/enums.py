"""The spec's string unions. Values are the spec's strings, as stored."""

from enum import StrEnum


class CallStatus(StrEnum):
    CONNECTING = "connecting"
    RINGING = "ringing"
    CONNECTED = "connected"
    ON_HOLD = "on-hold"
    TRANSFERRING = "transferring"
    ENDED = "ended"


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class SentimentTrend(StrEnum):
    IMPROVING = "improving"
    STABLE = "stable"
    DECLINING = "declining"


class PhaseStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETED = "completed"


class ObjectiveStatus(StrEnum):
    """PENDING → IN_PROGRESS → COMPLETED or MISSED; PENDING → MISSED for one never attempted."""

    PENDING = "pending"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    MISSED = "missed"


class Quality(StrEnum):
    POOR = "poor"
    FAIR = "fair"
    GOOD = "good"
    EXCELLENT = "excellent"


class EnergyLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class ResponseQuality(StrEnum):
    POOR = "POOR"
    FAIR = "FAIR"
    GOOD = "GOOD"
    EXCELLENT = "EXCELLENT"


class SupervisorActionType(StrEnum):
    COACH_AGENT = "COACH_AGENT"
    JOIN_CALL = "JOIN_CALL"
    TRANSFER_CALL = "TRANSFER_CALL"
    END_CALL = "END_CALL"
    ADD_NOTE = "ADD_NOTE"
    BOOKMARK_MOMENT = "BOOKMARK_MOMENT"
    FLAG_FOR_REVIEW = "FLAG_FOR_REVIEW"


class RecommendationType(StrEnum):
    POSITIVE = "positive"
    WARNING = "warning"
    SUGGESTION = "suggestion"


class PipelineService(StrEnum):
    SIP = "sip"
    STT = "stt"
    LLM = "llm"
    TTS = "tts"


class ServiceStatus(StrEnum):
    CONNECTED = "connected"
    STREAMING = "streaming"
    ACTIVE = "active"
    ERROR = "error"


class EventType(StrEnum):
    """Kinds of change recorded in the per-call event log."""

    CALL_STARTED = "CALL_STARTED"
    STATUS_CHANGED = "STATUS_CHANGED"
    TRANSCRIPT_ADDED = "TRANSCRIPT_ADDED"
    TRANSCRIPT_UPDATED = "TRANSCRIPT_UPDATED"
    SENTIMENT_UPDATED = "SENTIMENT_UPDATED"
    METRICS_UPDATED = "METRICS_UPDATED"
    PROGRESS_UPDATED = "PROGRESS_UPDATED"
    PHASE_CHANGED = "PHASE_CHANGED"
    SUPERVISOR_ACTION_ADDED = "SUPERVISOR_ACTION_ADDED"
    RECOMMENDATION_ADDED = "RECOMMENDATION_ADDED"
    RECORDING_TOGGLED = "RECORDING_TOGGLED"
    SYSTEM_STATUS_UPDATED = "SYSTEM_STATUS_UPDATED"
    OBJECTIVE_UPDATED = "OBJECTIVE_UPDATED"
    CALL_ENDED = "CALL_ENDED"
    ALERT_RAISED = "ALERT_RAISED"
    ALERT_ACKNOWLEDGED = "ALERT_ACKNOWLEDGED"
    ALERT_RESOLVED = "ALERT_RESOLVED"


ALERT_EVENTS = frozenset({EventType.ALERT_RAISED, EventType.ALERT_ACKNOWLEDGED, EventType.ALERT_RESOLVED})
"""Written by the rules (``app.rules``); never evaluated by them, so a firing never re-triggers."""
