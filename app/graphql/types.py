"""GraphQL object types. Tables are not API types: each type maps from its row.

``from_row`` (``app.graphql.from_row``) copies the fields named and typed as their
column; each type lists only the ones that differ.
"""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.auth.principal import mask_phone
from app.auth.roles import Role
from app.calls import models
from app.calls.instructions import is_overdue
from app.calls.ranges import TRANSCRIPT_AFTER
from app.calls.reads import TranscriptRow
from app.core.errors import InvalidInput
from app.core.sqltypes import utcnow
from app.core.validation import in_range
from app.graphql.alerts import Alert, Attention
from app.graphql.enums import (
    CallStatus,
    EnergyLevel,
    ObjectiveStatus,
    PhaseStatus,
    Quality,
    RecommendationType,
    ResponseQuality,
    Sentiment,
    SentimentTrend,
    ServiceStatus,
    Speaker,
    SupervisorActionType,
)
from app.graphql.from_row import FromRow
from app.graphql.instruction_types import AgentInstruction, Participant
from app.graphql.loaders import Loaders, loaded
from app.graphql.rule_enums import AlertStatus


@strawberry.type(
    description="One of the call's goals, seeded when the call starts (from its campaign if it has one)."
)
class CallObjective:
    objective: str
    status: ObjectiveStatus
    order: int
    started_at: datetime | None = strawberry.field(description="When it went IN_PROGRESS.")
    ended_at: datetime | None = strawberry.field(description="When it was COMPLETED or MISSED.")

    from_row = FromRow[models.CallObjective]()


@strawberry.type(description="A stage of the call script; exactly one is ACTIVE while the call runs.")
class CallPhase:
    phase: str
    status: PhaseStatus
    order: int
    start_time: datetime | None
    end_time: datetime | None
    quality: Quality | None

    from_row = FromRow[models.CallPhase]()


@strawberry.type(description="Live scores of the agent's performance (percentages are 0-100).")
class PerformanceMetrics:
    script_adherence: float
    agent_confidence: float
    conversation_quality: float
    prospect_engagement: float
    voice_energy_level: EnergyLevel
    response_quality: ResponseQuality
    question_frequency: str
    interest_signals: str
    conversion_probability: float
    demo_acceptance_probability: float
    immediate_close_probability: float
    updated_at: datetime

    from_row = FromRow[models.LivePerformanceMetrics]()


@strawberry.type(description="Rolling sentiment of the call: each final line with a sentiment weighs 10%.")
class SentimentAnalysis:
    positive_percentage: int
    neutral_percentage: int
    negative_percentage: int
    trend: SentimentTrend
    last_positive_moment: datetime | None
    last_negative_moment: datetime | None
    updated_at: datetime

    from_row = FromRow[models.SentimentAnalysis]()


@strawberry.type(description="The voice pipeline serving the call: providers, health and cost.")
class CallSystemConfig:
    sip_provider: str
    stt_provider: str
    llm_provider: str
    tts_provider: str
    sip_status: ServiceStatus
    stt_status: ServiceStatus
    llm_status: ServiceStatus
    tts_status: ServiceStatus
    api_latency: float = strawberry.field(description="Milliseconds.")
    error_rate: float = strawberry.field(description="Share of failed requests, 0 to 1.")
    queue_depth: int
    cost_per_minute: float = strawberry.field(description="US dollars per minute.")
    total_cost: float = strawberry.field(description="duration / 60 × costPerMinute, in US dollars.")
    updated_at: datetime

    from_row = FromRow[models.CallSystemConfig]()


@strawberry.type(description="One line of the live transcript.")
class TranscriptEntry:
    order: int = strawberry.field(description="Position in the call, from 0, without gaps.")
    timestamp: str = strawberry.field(description="The pipeline's own timestamp, as it sent it.")
    speaker: Speaker
    text: str
    sentiment: Sentiment | None
    confidence: float | None = strawberry.field(description="Speech-to-text confidence, 0 to 1.")
    is_final: bool
    segment_id: str | None = strawberry.field(
        description="The speech-to-text segment this line belongs to, when the pipeline gave one."
    )
    created_at: datetime

    from_row = FromRow[models.LiveTranscript | TranscriptRow]()


@strawberry.type(description="Something a supervisor did on the call, in order.")
class SupervisorAction:
    order: int
    supervisor_id: str
    supervisor_name: str
    action: SupervisorActionType
    details: str | None
    timestamp: datetime

    from_row = FromRow[models.SupervisorAction]()


@strawberry.type(description="A coaching tip for the agent; inactive once the call ends.")
class CoachingRecommendation:
    type: RecommendationType
    title: str
    description: str
    priority: int = strawberry.field(description="1 (low) to 10 (urgent).")
    timestamp: datetime
    is_active: bool

    from_row = FromRow[models.CoachingRecommendation]()


def _stored_id(row: models.LiveCall) -> int:
    assert row.id is not None
    return row.id


@strawberry.type(description="A call being monitored, with every record the monitor shows.")
class LiveCall:
    id: strawberry.Private[int]
    loaders: strawberry.Private[Loaders]
    call_id: str
    agent_name: str
    customer_name: str
    phone: strawberry.Private[str]
    status: CallStatus
    start_time: datetime
    end_time: datetime | None
    duration: float = strawberry.field(description="Seconds, as the pipeline last reported.")
    current_phase: str
    campaign_id: str | None
    campaign_name: str
    is_recording: bool
    recording_start_time: datetime | None
    agent_gain: float = strawberry.field(description="Agent audio level, 0 to 100.")
    customer_gain: float = strawberry.field(description="Customer audio level, 0 to 100.")
    current_speaker: Speaker | None
    sip_endpoint: str | None
    session_id: str
    created_at: datetime
    updated_at: datetime
    last_sequence: int = strawberry.field(
        description="Sequence number of the call's newest event: resume callEvents after it."
    )
    paused_at: datetime | None = strawberry.field(
        description=(
            "Since when recording is paused (toggleRecording off after on: the payment pause); while "
            "paused, lines keep speaker, timestamp and order and their text reads [paused]."
        )
    )
    paused_by: str | None = strawberry.field(description="Who paused it: the token's subject.")
    open_alerts: strawberry.Private[tuple[int, int, int]]

    from_row = FromRow[models.LiveCall](
        id=_stored_id,
        open_alerts=lambda row: (row.open_critical, row.open_warning, row.open_info),
        phone=lambda row: row.customer_phone,
    )
    """``loaders`` is passed by keyword: the request's, or a subscription event's."""

    @strawberry.field(description="The customer's number; viewers see only its last four digits.")
    def customer_phone(self, info: Info) -> str:
        principal = info.context.principal
        return (
            mask_phone(self.phone) if principal is not None and principal.role is Role.VIEWER else self.phone
        )

    @strawberry.field(description="The call's open alerts by severity: what the board orders by.")
    def attention(self) -> Attention:
        return Attention.of(*self.open_alerts)

    @strawberry.field(description="The call's alerts, newest first.")
    async def alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        rows = await self.loaders.alerts.load((self.id, status))
        return [Alert.from_row(row) for row in rows]

    @strawberry.field(description="The call's objectives, by order.")
    async def objectives(self) -> list[CallObjective]:
        rows = await self.loaders.objectives.load(self.id) or []
        return [CallObjective.from_row(row) for row in rows]

    @strawberry.field(description="The call's phases, by order.")
    async def phases(self) -> list[CallPhase]:
        rows = await self.loaders.phases.load(self.id) or []
        return [CallPhase.from_row(row) for row in rows]

    @strawberry.field(
        description=(
            "Transcript lines by order. `after` is the last order the client holds; "
            "`first` caps the count (default 200, at most 1000)."
        )
    )
    async def transcripts(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="Lines to return: 1 to TRANSCRIPT_PAGE_MAX (1000 unless configured)."
            ),
        ] = None,
        after: Annotated[
            int | None,
            strawberry.argument(
                description=(
                    f"Return lines with order > after, {TRANSCRIPT_AFTER.text()} "
                    "(-1, like omitting it, starts at the first line)."
                )
            ),
        ] = None,
    ) -> list[TranscriptEntry]:
        settings = info.context.settings
        count = settings.transcript_page_default if first is None else first
        if not 1 <= count <= settings.transcript_page_max:
            raise InvalidInput("first", f"must be between 1 and {settings.transcript_page_max}")
        in_range("after", after, *TRANSCRIPT_AFTER)
        rows = await self.loaders.transcripts.load((self.id, count, after))
        return [TranscriptEntry.from_row(row) for row in rows]

    @strawberry.field
    async def performance_metrics(self) -> PerformanceMetrics:
        return PerformanceMetrics.from_row(loaded(await self.loaders.metrics.load(self.id)))

    @strawberry.field
    async def sentiment(self) -> SentimentAnalysis:
        return SentimentAnalysis.from_row(loaded(await self.loaders.sentiment.load(self.id)))

    @strawberry.field
    async def system_config(self) -> CallSystemConfig:
        return CallSystemConfig.from_row(loaded(await self.loaders.system_config.load(self.id)))

    @strawberry.field(description="What supervisors did on the call, by order.")
    async def supervisor_actions(self) -> list[SupervisorAction]:
        rows = await self.loaders.supervisor_actions.load(self.id) or []
        return [SupervisorAction.from_row(row) for row in rows]

    @strawberry.field(description="Coaching tips, highest priority first.")
    async def coaching_recommendations(
        self,
        active_only: Annotated[bool, strawberry.argument(description="Only tips still active.")] = False,
    ) -> list[CoachingRecommendation]:
        loader = self.loaders.active_recommendations if active_only else self.loaders.recommendations
        rows = await loader.load(self.id) or []
        return [CoachingRecommendation.from_row(row) for row in rows]

    @strawberry.field(description="Instructions to the call's agent, oldest first, with their receipts.")
    async def instructions(self) -> list[AgentInstruction]:
        rows = await self.loaders.instructions.load(self.id) or []
        return [AgentInstruction.from_row(row) for row in rows]

    @strawberry.field(
        description="Instructions not acknowledged INSTRUCTION_ACK_TIMEOUT seconds after they were sent."
    )
    async def overdue_instructions(self, info: Info) -> int:
        rows = await self.loaders.instructions.load(self.id) or []
        now, timeout = utcnow(), info.context.settings.instruction_ack_timeout
        return sum(is_overdue(row.status, row.created_at, now=now, timeout=timeout) for row in rows)

    @strawberry.field(description="Supervisors who joined the call (JOIN_CALL), oldest first.")
    async def participants(self) -> list[Participant]:
        rows = await self.loaders.participants.load(self.id) or []
        return [Participant.from_row(row) for row in rows]
