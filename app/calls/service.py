"""The spec's mutations, one async function each, over one write transaction.

Every function locks the call's row first (``FOR UPDATE`` on PostgreSQL; on
SQLite the write transaction already holds the database lock), so per-call
counters for transcript order, action order and event sequence are allocated
without races and without counting rows.
"""

from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.analytics.capture import capture
from app.analytics.document import analytics_document
from app.analytics.reads import get_analytics
from app.calls import defaults
from app.calls.enums import (
    CallStatus,
    EventType,
    PhaseStatus,
    PipelineService,
    Quality,
    RecommendationType,
    Sentiment,
    ServiceStatus,
    Speaker,
    SupervisorActionType,
)
from app.calls.errors import Conflict, InvalidInput, call_not_found
from app.calls.events import Transaction, snapshot
from app.calls.idempotency import remember, replayed
from app.calls.lifecycle import check_transition, ensure_open, is_ended
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
from app.calls.sentiment import roll
from app.calls.validation import in_range, not_blank, not_negative
from app.campaigns.service import plan_for
from app.core.sqltypes import utcnow
from app.webhooks.enums import WebhookEventType
from app.webhooks.outbox import enqueue

MAX_TEXT_LENGTH = 10_000


async def _lock_call(tx: Transaction, call_id: str) -> LiveCall:
    query = select(LiveCall).where(LiveCall.call_id == call_id).with_for_update()
    call = (await tx.session.exec(query)).first()
    if call is None:
        raise call_not_found(call_id)
    return call


Row = TypeVar("Row", LivePerformanceMetrics, SentimentAnalysis, CallSystemConfig)


async def _one_for_call(tx: Transaction, model: type[Row], call: LiveCall) -> Row:
    """A call's one metrics, sentiment or config row (seeded by startLiveCall)."""
    return (await tx.session.exec(select(model).where(model.live_call_id == call.id))).one()


async def start_live_call(
    tx: Transaction,
    *,
    call_id: str,
    agent_name: str,
    customer_name: str,
    customer_phone: str,
    campaign_name: str,
    session_id: str,
    campaign_id: str | None = None,
    sip_endpoint: str | None = None,
) -> LiveCall:
    """Open a call with the spec's objectives, metrics, sentiment, phases and system config.

    A ``campaign_id`` naming a campaign record seeds its objectives and cost per
    minute instead of the spec's; any other value is kept as a free label.
    """
    for field, value in (
        ("callId", call_id),
        ("agentName", agent_name),
        ("customerName", customer_name),
        ("customerPhone", customer_phone),
        ("campaignName", campaign_name),
        ("sessionId", session_id),
    ):
        not_blank(field, value, max_length=200)
    not_blank("campaignId", campaign_id, max_length=200)
    not_blank("sipEndpoint", sip_endpoint, max_length=500)

    existing = (await tx.session.exec(select(LiveCall).where(LiveCall.call_id == call_id))).first()
    started = {
        "agent_name": agent_name,
        "customer_name": customer_name,
        "customer_phone": customer_phone,
        "campaign_id": campaign_id,
        "campaign_name": campaign_name,
        "session_id": session_id,
        "sip_endpoint": sip_endpoint,
    }
    if existing is not None:
        if all(getattr(existing, name) == value for name, value in started.items()):
            return existing  # the pipeline's retry of this very start: nothing to write
        raise _call_id_taken(call_id)
    if await get_analytics(tx.session, call_id) is not None:
        # An ended call's callId stays taken after retention removed its live records.
        raise _call_id_taken(call_id)
    plan = await plan_for(tx.session, campaign_id)

    now = utcnow()
    call = LiveCall(
        call_id=call_id,
        agent_name=agent_name,
        customer_name=customer_name,
        customer_phone=customer_phone,
        status=CallStatus.CONNECTING.value,
        start_time=now,
        duration=0,
        current_phase=defaults.INITIAL_PHASE_LABEL,
        campaign_id=campaign_id,
        campaign_name=campaign_name,
        is_recording=False,
        agent_gain=50,
        customer_gain=50,
        current_speaker=None,
        sip_endpoint=sip_endpoint,
        session_id=session_id,
        created_at=now,
        updated_at=now,
    )
    tx.session.add(call)
    try:
        await tx.session.flush()
    except IntegrityError as error:
        raise _call_id_taken(call_id) from error
    assert call.id is not None
    tx.session.add_all(
        CallObjective(live_call_id=call.id, objective=text, status="pending", order=index)
        for index, text in enumerate(plan.objectives)
    )
    tx.session.add(LivePerformanceMetrics(live_call_id=call.id, updated_at=now, **defaults.METRICS))
    tx.session.add(SentimentAnalysis(live_call_id=call.id, updated_at=now, **defaults.SENTIMENT))
    tx.session.add_all(
        CallPhase(
            live_call_id=call.id,
            phase=name,
            order=index,
            status=(PhaseStatus.ACTIVE if index == 0 else PhaseStatus.PENDING).value,
            start_time=now if index == 0 else None,
        )
        for index, name in enumerate(defaults.PHASES)
    )
    tx.session.add(
        CallSystemConfig(
            live_call_id=call.id,
            updated_at=now,
            **{**defaults.SYSTEM_CONFIG, "cost_per_minute": plan.cost_per_minute},
        )
    )
    tx.record(call, EventType.CALL_STARTED, {"call": snapshot(call)})
    return call


def _call_id_taken(call_id: str) -> Conflict:
    return Conflict(
        f"callId {call_id!r} is already taken by another call; a retry must repeat the same arguments",
        field="callId",
    )


async def update_call_status(tx: Transaction, *, call_id: str, status: CallStatus) -> LiveCall:
    """Set the status (see ``lifecycle``); CONNECTED activates the first phase if still pending."""
    if status is CallStatus.ENDED:
        raise InvalidInput("status", "a call is ended with endLiveCall, not updateCallStatus")
    call = await _lock_call(tx, call_id)
    check_transition(call, status)
    if call.status == status.value:
        return call
    previous = call.status
    now = utcnow()
    call.status = status.value
    call.updated_at = now
    tx.record(call, EventType.STATUS_CHANGED, {"call": snapshot(call), "previousStatus": previous})
    if status is CallStatus.CONNECTED:
        first = (
            await tx.session.exec(
                select(CallPhase).where(CallPhase.live_call_id == call.id).order_by(col(CallPhase.order))
            )
        ).first()
        if first is not None and first.status == PhaseStatus.PENDING.value:
            first.status = PhaseStatus.ACTIVE.value
            first.start_time = now
            tx.record(call, EventType.PHASE_CHANGED, {"call": snapshot(call), "phases": [snapshot(first)]})
    return call


async def add_transcript_entry(
    tx: Transaction,
    *,
    call_id: str,
    timestamp: str,
    speaker: Speaker,
    text: str,
    is_final: bool,
    sentiment: Sentiment | None = None,
    confidence: float | None = None,
    segment_id: str | None = None,
    idempotency_key: str | None = None,
) -> LiveTranscript:
    """Append a line in order; final lines with a sentiment roll the call's sentiment.

    With ``segment_id``, a line whose segment is already on the call replaces
    that interim line in place (same order): speech-to-text engines send
    interim guesses, then the final text of the same segment. After the call
    ended only final lines are accepted: finals often arrive just after hang-up.
    """
    not_blank("timestamp", timestamp, max_length=100)
    not_blank("text", text, max_length=MAX_TEXT_LENGTH)
    not_blank("segmentId", segment_id, max_length=200)
    in_range("confidence", confidence, 0, 1)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    call = await _lock_call(tx, call_id)
    assert call.id is not None
    request = {
        "timestamp": timestamp,
        "speaker": speaker.value,
        "text": text,
        "is_final": is_final,
        "sentiment": sentiment.value if sentiment else None,
        "confidence": confidence,
        "segment_id": segment_id,
    }
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addTranscriptEntry", request)
        if done is not None:
            return await tx.session.get_one(LiveTranscript, done)
    if not is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    entry = await _segment(tx, call, segment_id) if segment_id is not None else None
    if entry is not None:
        if entry.is_final:
            raise Conflict(
                f"segment {segment_id!r} is already final; it cannot be replaced",
                field="segmentId",
            )
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        kind = EventType.TRANSCRIPT_ADDED
        entry = LiveTranscript(
            live_call_id=call.id,
            order=call.transcript_count,
            segment_id=segment_id,
            created_at=now,
            timestamp=timestamp,
            speaker=speaker.value,
            text=text,
            is_final=is_final,
        )
        call.transcript_count += 1
        tx.session.add(entry)
    entry.timestamp = timestamp
    entry.speaker = speaker.value
    entry.text = text
    entry.sentiment = sentiment.value if sentiment else None
    entry.confidence = confidence
    entry.is_final = is_final
    call.current_speaker = speaker.value
    call.updated_at = now
    await tx.session.flush()
    if idempotency_key is not None:
        assert entry.id is not None
        remember(tx, call, idempotency_key, "addTranscriptEntry", request, entry.id)
    tx.record(call, kind, {"transcript": snapshot(entry)})
    if sentiment is not None and is_final:
        await _roll_sentiment(tx, call, sentiment)
    return entry


async def _segment(tx: Transaction, call: LiveCall, segment_id: str) -> LiveTranscript | None:
    query = select(LiveTranscript).where(
        LiveTranscript.live_call_id == call.id, LiveTranscript.segment_id == segment_id
    )
    return (await tx.session.exec(query)).first()


async def _roll_sentiment(tx: Transaction, call: LiveCall, label: Sentiment) -> None:
    row = await _one_for_call(tx, SentimentAnalysis, call)
    mix = roll(row.positive_percentage, row.neutral_percentage, row.negative_percentage, label)
    now = utcnow()
    row.positive_percentage = mix.positive
    row.neutral_percentage = mix.neutral
    row.negative_percentage = mix.negative
    row.trend = mix.trend.value
    if label is Sentiment.POSITIVE:
        row.last_positive_moment = now
    elif label is Sentiment.NEGATIVE:
        row.last_negative_moment = now
    row.updated_at = now
    tx.record(call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(row)})


@dataclass(frozen=True)
class MetricsUpdate:
    """The spec's partial metrics patch: ``None`` leaves a value as it is."""

    script_adherence: float | None = None
    agent_confidence: float | None = None
    conversation_quality: float | None = None
    prospect_engagement: float | None = None
    voice_energy_level: str | None = None
    response_quality: str | None = None
    conversion_probability: float | None = None
    demo_acceptance_probability: float | None = None

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value is not None}


_PERCENT_METRICS = {
    "script_adherence": "metrics.scriptAdherence",
    "agent_confidence": "metrics.agentConfidence",
    "conversation_quality": "metrics.conversationQuality",
    "prospect_engagement": "metrics.prospectEngagement",
    "conversion_probability": "metrics.conversionProbability",
    "demo_acceptance_probability": "metrics.demoAcceptanceProbability",
}


async def update_performance_metrics(
    tx: Transaction, *, call_id: str, metrics: MetricsUpdate
) -> LivePerformanceMetrics:
    """Patch only the metrics given."""
    changes = metrics.changes()
    for name, label in _PERCENT_METRICS.items():
        in_range(label, changes.get(name), 0, 100)
    call = await _lock_call(tx, call_id)
    ensure_open(call, "updatePerformanceMetrics")
    row = await _one_for_call(tx, LivePerformanceMetrics, call)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    tx.record(call, EventType.METRICS_UPDATED, {"metrics": snapshot(row)})
    return row


async def update_call_progress(
    tx: Transaction,
    *,
    call_id: str,
    duration: float,
    agent_gain: float | None = None,
    customer_gain: float | None = None,
    current_phase: str | None = None,
) -> LiveCall:
    """Record duration and audio levels; total cost follows duration at the call's rate."""
    not_negative("duration", duration)
    in_range("agentGain", agent_gain, 0, 100)
    in_range("customerGain", customer_gain, 0, 100)
    not_blank("currentPhase", current_phase, max_length=200)
    call = await _lock_call(tx, call_id)
    ensure_open(call, "updateCallProgress")
    now = utcnow()
    call.duration = duration
    if agent_gain is not None:
        call.agent_gain = agent_gain
    if customer_gain is not None:
        call.customer_gain = customer_gain
    if current_phase is not None:
        call.current_phase = current_phase
    call.updated_at = now
    config = await _one_for_call(tx, CallSystemConfig, call)
    config.total_cost = duration / 60 * config.cost_per_minute
    config.updated_at = now
    tx.record(
        call,
        EventType.PROGRESS_UPDATED,
        {"call": snapshot(call), "systemConfig": snapshot(config)},
    )
    return call


async def add_supervisor_action(
    tx: Transaction,
    *,
    call_id: str,
    supervisor_id: str,
    supervisor_name: str,
    action: SupervisorActionType,
    details: str | None = None,
    idempotency_key: str | None = None,
) -> SupervisorAction:
    """Log the action; END_CALL ends the call and TRANSFER_CALL sets TRANSFERRING."""
    not_blank("supervisorId", supervisor_id, max_length=200)
    not_blank("supervisorName", supervisor_name, max_length=200)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    if details is not None and len(details) > MAX_TEXT_LENGTH:
        raise InvalidInput("details", f"must be at most {MAX_TEXT_LENGTH} characters")
    call = await _lock_call(tx, call_id)
    assert call.id is not None
    request = {
        "supervisor_id": supervisor_id,
        "supervisor_name": supervisor_name,
        "action": action.value,
        "details": details,
    }
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addSupervisorAction", request)
        if done is not None:
            return await tx.session.get_one(SupervisorAction, done)
    ensure_open(call, "addSupervisorAction")
    if action is SupervisorActionType.TRANSFER_CALL:
        check_transition(call, CallStatus.TRANSFERRING)
    now = utcnow()
    row = SupervisorAction(
        live_call_id=call.id,
        supervisor_id=supervisor_id,
        supervisor_name=supervisor_name,
        action=action.value,
        details=details,
        timestamp=now,
        order=call.action_count,
    )
    call.action_count += 1
    tx.session.add(row)
    await tx.session.flush()
    if idempotency_key is not None:
        assert row.id is not None
        remember(tx, call, idempotency_key, "addSupervisorAction", request, row.id)
    tx.record(call, EventType.SUPERVISOR_ACTION_ADDED, {"action": snapshot(row)})
    if action is SupervisorActionType.END_CALL:
        await _end(tx, call)
    elif action is SupervisorActionType.TRANSFER_CALL and call.status != CallStatus.TRANSFERRING.value:
        previous = call.status
        call.status = CallStatus.TRANSFERRING.value
        call.updated_at = now
        tx.record(call, EventType.STATUS_CHANGED, {"call": snapshot(call), "previousStatus": previous})
    return row


async def add_coaching_recommendation(
    tx: Transaction,
    *,
    call_id: str,
    type: RecommendationType,
    title: str,
    description: str,
    priority: int,
    idempotency_key: str | None = None,
) -> CoachingRecommendation:
    """Add an active recommendation for the agent (priority 1 to 10)."""
    not_blank("title", title, max_length=500)
    not_blank("description", description, max_length=MAX_TEXT_LENGTH)
    in_range("priority", priority, 1, 10)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    call = await _lock_call(tx, call_id)
    assert call.id is not None
    request = {"type": type.value, "title": title, "description": description, "priority": priority}
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addCoachingRecommendation", request)
        if done is not None:
            return await tx.session.get_one(CoachingRecommendation, done)
    ensure_open(call, "addCoachingRecommendation")
    row = CoachingRecommendation(
        live_call_id=call.id,
        type=type.value,
        title=title,
        description=description,
        priority=priority,
        timestamp=utcnow(),
        is_active=True,
    )
    tx.session.add(row)
    await tx.session.flush()
    if idempotency_key is not None:
        assert row.id is not None
        remember(tx, call, idempotency_key, "addCoachingRecommendation", request, row.id)
    tx.record(call, EventType.RECOMMENDATION_ADDED, {"recommendation": snapshot(row)})
    return row


async def update_call_phase(
    tx: Transaction, *, call_id: str, phase: str, quality: Quality | None = None
) -> LiveCall:
    """Complete the active phase (with its quality) and activate ``phase``."""
    call = await _lock_call(tx, call_id)
    ensure_open(call, "updateCallPhase")
    phases = (
        await tx.session.exec(
            select(CallPhase).where(CallPhase.live_call_id == call.id).order_by(col(CallPhase.order))
        )
    ).all()
    target = next((row for row in phases if row.phase == phase), None)
    if target is None:
        known = ", ".join(repr(row.phase) for row in phases)
        raise InvalidInput("phase", f"unknown phase {phase!r}; this call's phases are {known}")
    now = utcnow()
    changed: list[CallPhase] = []
    active = next((row for row in phases if row.status == PhaseStatus.ACTIVE.value), None)
    if active is not None:
        active.status = PhaseStatus.COMPLETED.value
        active.end_time = now
        active.quality = quality.value if quality else None
        changed.append(active)
    target.status = PhaseStatus.ACTIVE.value
    target.start_time = now
    if target is not active:
        changed.append(target)
    call.current_phase = phase
    call.updated_at = now
    tx.record(
        call,
        EventType.PHASE_CHANGED,
        {"call": snapshot(call), "phases": [snapshot(row) for row in changed]},
    )
    return call


async def toggle_recording(tx: Transaction, *, call_id: str, is_recording: bool) -> LiveCall:
    """Start or stop recording; a start stamps recordingStartTime, a stop clears it."""
    call = await _lock_call(tx, call_id)
    ensure_open(call, "toggleRecording")
    now = utcnow()
    call.is_recording = is_recording
    call.recording_start_time = now if is_recording else None
    call.updated_at = now
    tx.record(call, EventType.RECORDING_TOGGLED, {"call": snapshot(call)})
    return call


_STATUS_COLUMNS = {
    PipelineService.SIP: "sip_status",
    PipelineService.STT: "stt_status",
    PipelineService.LLM: "llm_status",
    PipelineService.TTS: "tts_status",
}


async def update_system_status(
    tx: Transaction,
    *,
    call_id: str,
    service: PipelineService,
    status: ServiceStatus,
    latency: float | None = None,
    error_rate: float | None = None,
) -> CallSystemConfig:
    """Set one pipeline service's status, and latency (ms) and error rate (0 to 1) if given."""
    not_negative("latency", latency)
    in_range("errorRate", error_rate, 0, 1)
    call = await _lock_call(tx, call_id)
    ensure_open(call, "updateSystemStatus")
    config = await _one_for_call(tx, CallSystemConfig, call)
    setattr(config, _STATUS_COLUMNS[service], status.value)
    if latency is not None:
        config.api_latency = latency
    if error_rate is not None:
        config.error_rate = error_rate
    config.updated_at = utcnow()
    tx.record(call, EventType.SYSTEM_STATUS_UPDATED, {"systemConfig": snapshot(config)})
    return config


async def end_live_call(tx: Transaction, *, call_id: str) -> LiveCall:
    """The pipeline's hang-up: the spec's internal endLiveCall, plus ENDED and an end time.

    Ending an ended call changes nothing and succeeds, so a retried hang-up is harmless.
    """
    call = await _lock_call(tx, call_id)
    if not is_ended(call):
        await _end(tx, call)
    return call


async def _end(tx: Transaction, call: LiveCall) -> None:
    """The spec's endLiveCall, then its production notes: the call's analytics row and,
    on the first end, the post-call webhook event in the outbox, all in this transaction."""
    now = utcnow()
    recommendations = (
        await tx.session.exec(
            select(CoachingRecommendation).where(
                CoachingRecommendation.live_call_id == call.id,
                col(CoachingRecommendation.is_active).is_(True),
            )
        )
    ).all()
    for recommendation in recommendations:
        recommendation.is_active = False
    active = (
        await tx.session.exec(
            select(CallPhase).where(
                CallPhase.live_call_id == call.id, CallPhase.status == PhaseStatus.ACTIVE.value
            )
        )
    ).first()
    if active is not None:
        active.status = PhaseStatus.COMPLETED.value
        active.end_time = now
    call.status = CallStatus.ENDED.value
    call.end_time = now
    call.updated_at = now
    tx.record(
        call,
        EventType.CALL_ENDED,
        {
            "call": snapshot(call),
            "phases": [snapshot(active)] if active is not None else [],
            "deactivatedRecommendations": len(recommendations),
        },
    )
    analytics, first_end = await capture(tx.session, call)
    if first_end:
        await enqueue(
            tx.session,
            type=WebhookEventType.CALL_ENDED,
            call_id=call.call_id,
            data={"callId": call.call_id, "analytics": analytics_document(analytics)},
        )
