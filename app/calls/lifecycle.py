"""The call's lifecycle: start, status, progress and cost, recording, pipeline health, end.

Each function is one of the spec's mutations over one write transaction; the
other mutations live beside it (transcripts, metrics, phases, supervision).
Which status may follow which is ``transitions``.
"""

from app.calls import defaults
from app.calls.enums import (
    CallStatus,
    EventType,
    PhaseStatus,
    PipelineService,
    ServiceStatus,
)
from app.calls.events import Transaction, snapshot
from app.calls.locks import lock_call, one_for_call
from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    CoachingRecommendation,
    LiveCall,
    LivePerformanceMetrics,
    SentimentAnalysis,
)
from app.calls.participants import leave_all
from app.calls.ranges import DURATION_SECONDS, ERROR_RATE, GAIN, LATENCY_MS
from app.calls.transitions import check_transition, ensure_open, is_ended
from app.core.errors import Conflict, InvalidInput
from app.core.sqltypes import utcnow
from app.core.store import Duplicate
from app.core.validation import in_range, not_blank


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
    tx.scope.require("campaignId", campaign_id)

    existing = await tx.store.one(LiveCall, call_id=call_id)
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
    if await tx.hooks.retired(tx.store, call_id):
        # An ended call's callId stays taken after retention removed its live records.
        raise _call_id_taken(call_id)
    plan = await tx.hooks.plan(tx.store, campaign_id)
    redaction = await tx.hooks.redaction(tx.store, campaign_id)

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
        redaction=redaction.stored(),
    )
    try:
        await tx.store.insert(call)
    except Duplicate as error:
        raise _call_id_taken(call_id) from error
    assert call.id is not None
    for index, text in enumerate(plan.objectives):
        tx.store.add(CallObjective, live_call_id=call.id, objective=text, status="pending", order=index)
    tx.store.add(LivePerformanceMetrics, live_call_id=call.id, updated_at=now, **defaults.METRICS)
    tx.store.add(SentimentAnalysis, live_call_id=call.id, updated_at=now, **defaults.SENTIMENT)
    for index, name in enumerate(defaults.PHASES):
        tx.store.add(
            CallPhase,
            live_call_id=call.id,
            phase=name,
            order=index,
            status=(PhaseStatus.ACTIVE if index == 0 else PhaseStatus.PENDING).value,
            start_time=now if index == 0 else None,
        )
    tx.store.add(
        CallSystemConfig,
        live_call_id=call.id,
        updated_at=now,
        **{**defaults.SYSTEM_CONFIG, "cost_per_minute": plan.cost_per_minute},
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
    call = await lock_call(tx, call_id)
    check_transition(call, status)
    if call.status == status.value:
        return call
    previous = call.status
    now = utcnow()
    call.status = status.value
    call.updated_at = now
    tx.record(call, EventType.STATUS_CHANGED, {"call": snapshot(call), "previousStatus": previous})
    if status is CallStatus.CONNECTED:
        phases = await tx.store.all(CallPhase, order_by="order", live_call_id=call.id)
        first = phases[0] if phases else None
        if first is not None and first.status == PhaseStatus.PENDING.value:
            first.status = PhaseStatus.ACTIVE.value
            first.start_time = now
            tx.record(call, EventType.PHASE_CHANGED, {"call": snapshot(call), "phases": [snapshot(first)]})
    return call


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
    in_range("duration", duration, *DURATION_SECONDS)
    in_range("agentGain", agent_gain, *GAIN)
    in_range("customerGain", customer_gain, *GAIN)
    not_blank("currentPhase", current_phase, max_length=200)
    call = await lock_call(tx, call_id)
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
    config = await one_for_call(tx, CallSystemConfig, call)
    config.total_cost = duration / 60 * config.cost_per_minute
    config.updated_at = now
    tx.record(
        call,
        EventType.PROGRESS_UPDATED,
        {"call": snapshot(call), "systemConfig": snapshot(config)},
    )
    return call


async def toggle_recording(tx: Transaction, *, call_id: str, is_recording: bool) -> LiveCall:
    """Start or stop recording; a start stamps recordingStartTime, a stop clears it.

    Stopping a recording is the payment pause: until recording starts again, lines keep their
    speaker, timestamp and order but not their text. The event says who paused and resumed.
    """
    call = await lock_call(tx, call_id)
    ensure_open(call, "toggleRecording")
    now = utcnow()
    if call.is_recording and not is_recording:
        call.paused_at, call.paused_by = now, tx.actor
    elif is_recording:
        call.paused_at = call.paused_by = None
    call.is_recording = is_recording
    call.recording_start_time = now if is_recording else None
    call.updated_at = now
    tx.record(call, EventType.RECORDING_TOGGLED, {"call": snapshot(call), "by": tx.actor})
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
    in_range("latency", latency, *LATENCY_MS)
    in_range("errorRate", error_rate, *ERROR_RATE)
    call = await lock_call(tx, call_id)
    ensure_open(call, "updateSystemStatus")
    config = await one_for_call(tx, CallSystemConfig, call)
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
    call = await lock_call(tx, call_id)
    if not is_ended(call):
        await end_call(tx, call)
    return call


async def end_call(tx: Transaction, call: LiveCall) -> None:
    """The spec's endLiveCall, then its production notes (the call's analytics, the post-call
    webhook) through the transaction's hooks, all in this transaction."""
    now = utcnow()
    recommendations = await tx.store.all(CoachingRecommendation, live_call_id=call.id, is_active=True)
    for recommendation in recommendations:
        recommendation.is_active = False
    active = await tx.store.one(CallPhase, live_call_id=call.id, status=PhaseStatus.ACTIVE.value)
    if active is not None:
        active.status = PhaseStatus.COMPLETED.value
        active.end_time = now
    await leave_all(tx, call, now)
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
    await tx.hooks.ended(tx.store, call)
