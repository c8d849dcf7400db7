"""Tables of the spec's records, plus the per-call event log.

Columns are snake_case; enum-like columns store the spec's strings. Each child
table points at ``live_calls.id`` and is indexed the way the spec queries it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from app.adapters.sqlalchemy import TableModel
from app.core.sqltypes import UTCDateTime


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _call_fk(*, unique: bool = False) -> Any:
    return Field(foreign_key="live_calls.id", ondelete="CASCADE", index=not unique, unique=unique)


class LiveCall(TableModel, table=True):
    __tablename__ = "live_calls"
    __table_args__ = (Index("ix_live_calls_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: str = Field(unique=True, max_length=200)
    agent_name: str
    customer_name: str
    customer_phone: str
    status: str = Field(index=True)
    start_time: datetime = _when()
    end_time: datetime | None = _when(nullable=True)
    duration: float = 0
    current_phase: str
    campaign_id: str | None = Field(default=None, index=True)
    campaign_name: str
    is_recording: bool = False
    recording_start_time: datetime | None = _when(nullable=True)
    agent_gain: float = 50
    customer_gain: float = 50
    current_speaker: str | None = None
    sip_endpoint: str | None = None
    session_id: str
    created_at: datetime = _when()
    updated_at: datetime = _when()
    last_sequence: int = 0
    transcript_count: int = 0
    action_count: int = 0
    paused_at: datetime | None = _when(nullable=True)
    """When recording was paused (a payment): lines keep speaker and order, their text is withheld."""
    paused_by: str | None = None
    redaction: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """The redaction policy the call started with (``app.redaction``); ``None``: the server's default."""
    open_critical: int = 0
    """Open (not resolved) CRITICAL alerts: the board orders by these in SQL (``app.rules``)."""
    open_warning: int = 0
    open_info: int = 0


class CallObjective(TableModel, table=True):
    __tablename__ = "call_objectives"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk()
    objective: str
    status: str
    order: int
    started_at: datetime | None = _when(nullable=True)
    ended_at: datetime | None = _when(nullable=True)


class LivePerformanceMetrics(TableModel, table=True):
    __tablename__ = "live_performance_metrics"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk(unique=True)
    script_adherence: float
    agent_confidence: float
    conversation_quality: float
    prospect_engagement: float
    voice_energy_level: str
    response_quality: str
    question_frequency: str
    interest_signals: str
    conversion_probability: float
    demo_acceptance_probability: float
    immediate_close_probability: float
    updated_at: datetime = _when()


class SentimentAnalysis(TableModel, table=True):
    __tablename__ = "sentiment_analysis"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk(unique=True)
    positive_percentage: int
    neutral_percentage: int
    negative_percentage: int
    trend: str
    last_positive_moment: datetime | None = _when(nullable=True)
    last_negative_moment: datetime | None = _when(nullable=True)
    updated_at: datetime = _when()


class CallPhase(TableModel, table=True):
    __tablename__ = "call_phases"
    __table_args__ = (Index("ix_call_phases_call_status", "live_call_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk()
    phase: str
    status: str
    order: int
    start_time: datetime | None = _when(nullable=True)
    end_time: datetime | None = _when(nullable=True)
    quality: str | None = None


class CallSystemConfig(TableModel, table=True):
    __tablename__ = "call_system_config"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk(unique=True)
    sip_provider: str
    stt_provider: str
    llm_provider: str
    tts_provider: str
    sip_status: str
    stt_status: str
    llm_status: str
    tts_status: str
    api_latency: float
    error_rate: float
    queue_depth: int
    cost_per_minute: float
    total_cost: float
    updated_at: datetime = _when()


class LiveTranscript(TableModel, table=True):
    """One transcript line as stored. Added by a ``NewTranscriptEntry``, read back as a
    ``TranscriptRow``, shown as the GraphQL ``TranscriptEntry``."""

    __tablename__ = "live_transcripts"
    __table_args__ = (
        UniqueConstraint("live_call_id", "order", name="uq_live_transcripts_order"),
        UniqueConstraint("live_call_id", "segment_id", name="uq_live_transcripts_segment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE")
    timestamp: str
    speaker: str
    text: str
    sentiment: str | None = None
    confidence: float | None = None
    is_final: bool
    order: int
    segment_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = _when()


class SupervisorAction(TableModel, table=True):
    __tablename__ = "supervisor_actions"

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = _call_fk()
    supervisor_id: str
    supervisor_name: str
    action: str
    details: str | None = None
    timestamp: datetime = _when()
    order: int


class CoachingRecommendation(TableModel, table=True):
    __tablename__ = "coaching_recommendations"
    __table_args__ = (Index("ix_coaching_recommendations_call_active", "live_call_id", "is_active"),)

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE")
    type: str
    title: str
    description: str
    priority: int
    timestamp: datetime = _when()
    is_active: bool = True


class CallEvent(TableModel, table=True):
    """One change to one call; ``seq`` is contiguous per call from 1."""

    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("live_call_id", "seq", name="uq_call_events_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE")
    seq: int
    type: str
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()


class IdempotencyKey(TableModel, table=True):
    """A creating request already served: its key, content fingerprint and result."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("live_call_id", "key", name="uq_idempotency_keys_key"),)

    id: int | None = Field(default=None, primary_key=True)
    live_call_id: int = Field(foreign_key="live_calls.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    operation: str
    fingerprint: str
    record_id: int
    created_at: datetime = _when()
