"""Mutation root: the spec's mutations, one resolver each, each one transaction."""

from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import lifecycle, performance, phases, ranges, supervision, transcripts
from app.calls.new_transcript_entry import NewTranscriptEntry
from app.core.errors import Forbidden
from app.graphql.context import Context
from app.graphql.enums import (
    CallStatus,
    PipelineService,
    Quality,
    RecommendationType,
    Sentiment,
    ServiceStatus,
    Speaker,
    SupervisorActionType,
)
from app.graphql.inputs import PerformanceMetricsInput
from app.graphql.types import (
    CallSystemConfig,
    CoachingRecommendation,
    LiveCall,
    PerformanceMetrics,
    SupervisorAction,
    TranscriptEntry,
)

Ctx = Info[Context, None]

IDEMPOTENCY = (
    "Any unique string per logical request (e.g. a UUID). A retry with the same key returns the "
    "first result and writes nothing; the same key with other arguments is a CONFLICT."
)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Open a call: status CONNECTING, five objectives, default metrics and sentiment, "
            "five phases (Opening active) and the default pipeline config. Repeating a start with "
            "the same arguments returns the call (a retry); another call's callId is a CONFLICT."
        )
    )
    async def start_live_call(
        self,
        info: Ctx,
        call_id: Annotated[str, strawberry.argument(description="Unique id chosen by the caller.")],
        agent_name: str,
        customer_name: str,
        customer_phone: str,
        campaign_name: str,
        session_id: str,
        campaign_id: str | None = None,
        sip_endpoint: str | None = None,
    ) -> LiveCall:
        row = await info.context.write(
            partial(
                lifecycle.start_live_call,
                call_id=call_id,
                agent_name=agent_name,
                customer_name=customer_name,
                customer_phone=customer_phone,
                campaign_id=campaign_id,
                campaign_name=campaign_name,
                session_id=session_id,
                sip_endpoint=sip_endpoint,
            )
        )
        return LiveCall.from_row(row, loaders=info.context.loaders)

    @strawberry.mutation(
        description=(
            "Set the status (not ENDED: use endLiveCall). Transitions follow the call's state "
            "machine (README); others are a CONFLICT, the current status is a no-op. "
            "CONNECTED activates the first phase if it is still pending."
        )
    )
    async def update_call_status(self, info: Ctx, call_id: str, status: CallStatus) -> LiveCall:
        row = await info.context.write(partial(lifecycle.update_call_status, call_id=call_id, status=status))
        return LiveCall.from_row(row, loaders=info.context.loaders)

    @strawberry.mutation(
        description=(
            "Append a transcript line and set the current speaker. A final line with a "
            "sentiment moves the call's rolling sentiment."
        )
    )
    async def add_transcript_entry(
        self,
        info: Ctx,
        call_id: str,
        timestamp: Annotated[
            str, strawberry.argument(description="The pipeline's timestamp, kept as given.")
        ],
        speaker: Speaker,
        text: str,
        is_final: bool,
        sentiment: Sentiment | None = None,
        confidence: Annotated[
            float | None, strawberry.argument(description=f"{ranges.CONFIDENCE.text()}.")
        ] = None,
        segment_id: Annotated[
            str | None,
            strawberry.argument(
                description=(
                    "Speech-to-text segment id: a later line with the same id replaces this "
                    "interim line in place (same order) until a final one arrives."
                )
            ),
        ] = None,
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY)] = None,
    ) -> TranscriptEntry:
        request = NewTranscriptEntry(
            call_id=call_id,
            timestamp=timestamp,
            speaker=speaker,
            text=text,
            is_final=is_final,
            sentiment=sentiment,
            confidence=confidence,
            segment_id=segment_id,
            idempotency_key=idempotency_key,
        )
        row = await info.context.write(partial(transcripts.add_transcript_entry, request=request))
        return TranscriptEntry.from_row(row)

    @strawberry.mutation(description="Patch the call's performance metrics; omitted fields are kept.")
    async def update_performance_metrics(
        self, info: Ctx, call_id: str, metrics: PerformanceMetricsInput
    ) -> PerformanceMetrics:
        row = await info.context.write(
            partial(performance.update_performance_metrics, call_id=call_id, metrics=metrics.to_update())
        )
        return PerformanceMetrics.from_row(row)

    @strawberry.mutation(
        description="Report duration (seconds), audio levels and phase label; totalCost follows."
    )
    async def update_call_progress(
        self,
        info: Ctx,
        call_id: str,
        duration: Annotated[
            float,
            strawberry.argument(
                description=f"Seconds since the start, {ranges.DURATION_SECONDS.text()} (7 days)."
            ),
        ],
        agent_gain: Annotated[float | None, strawberry.argument(description=f"{ranges.GAIN.text()}.")] = None,
        customer_gain: Annotated[
            float | None, strawberry.argument(description=f"{ranges.GAIN.text()}.")
        ] = None,
        current_phase: str | None = None,
    ) -> LiveCall:
        row = await info.context.write(
            partial(
                lifecycle.update_call_progress,
                call_id=call_id,
                duration=duration,
                agent_gain=agent_gain,
                customer_gain=customer_gain,
                current_phase=current_phase,
            )
        )
        return LiveCall.from_row(row, loaders=info.context.loaders)

    @strawberry.mutation(
        description=(
            "Log a supervisor action. END_CALL ends the call; TRANSFER_CALL sets TRANSFERRING. "
            "With authentication on, supervisorId must be the token's subject and the token's "
            "name is recorded."
        )
    )
    async def add_supervisor_action(
        self,
        info: Ctx,
        call_id: str,
        supervisor_id: str,
        supervisor_name: str,
        action: SupervisorActionType,
        details: str | None = None,
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY)] = None,
    ) -> SupervisorAction:
        principal = info.context.principal
        if principal is not None:
            # The token says who acts; the spec's arguments stay for compatibility.
            if supervisor_id != principal.subject:
                raise Forbidden(
                    f"supervisorId {supervisor_id!r} is not the token's subject {principal.subject!r}",
                    field="supervisorId",
                )
            supervisor_name = principal.name
        row = await info.context.write(
            partial(
                supervision.add_supervisor_action,
                call_id=call_id,
                supervisor_id=supervisor_id,
                supervisor_name=supervisor_name,
                action=action,
                details=details,
                idempotency_key=idempotency_key,
            )
        )
        return SupervisorAction.from_row(row)

    @strawberry.mutation(description="Add an active coaching recommendation for the agent.")
    async def add_coaching_recommendation(
        self,
        info: Ctx,
        call_id: str,
        type: RecommendationType,
        title: str,
        description: str,
        priority: Annotated[
            int, strawberry.argument(description=f"{ranges.PRIORITY.text()}, from low to urgent.")
        ],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY)] = None,
    ) -> CoachingRecommendation:
        row = await info.context.write(
            partial(
                supervision.add_coaching_recommendation,
                call_id=call_id,
                type=type,
                title=title,
                description=description,
                priority=priority,
                idempotency_key=idempotency_key,
            )
        )
        return CoachingRecommendation.from_row(row)

    @strawberry.mutation(
        description="Complete the active phase (recording its quality) and activate `phase`."
    )
    async def update_call_phase(
        self,
        info: Ctx,
        call_id: str,
        phase: Annotated[str, strawberry.argument(description="One of the call's phase names.")],
        quality: Annotated[
            Quality | None,
            strawberry.argument(description="How the phase being completed went."),
        ] = None,
    ) -> LiveCall:
        row = await info.context.write(
            partial(phases.update_call_phase, call_id=call_id, phase=phase, quality=quality)
        )
        return LiveCall.from_row(row, loaders=info.context.loaders)

    @strawberry.mutation(description="Switch recording on (stamping recordingStartTime) or off.")
    async def toggle_recording(self, info: Ctx, call_id: str, is_recording: bool) -> LiveCall:
        row = await info.context.write(
            partial(lifecycle.toggle_recording, call_id=call_id, is_recording=is_recording)
        )
        return LiveCall.from_row(row, loaders=info.context.loaders)

    @strawberry.mutation(description="Report one pipeline service's status, latency and error rate.")
    async def update_system_status(
        self,
        info: Ctx,
        call_id: str,
        service_: Annotated[PipelineService, strawberry.argument(name="service")],
        status: ServiceStatus,
        latency: Annotated[
            float | None,
            strawberry.argument(description=f"Milliseconds, {ranges.LATENCY_MS.text()} (an hour)."),
        ] = None,
        error_rate: Annotated[
            float | None, strawberry.argument(description=f"{ranges.ERROR_RATE.text()}.")
        ] = None,
    ) -> CallSystemConfig:
        row = await info.context.write(
            partial(
                lifecycle.update_system_status,
                call_id=call_id,
                service=service_,
                status=status,
                latency=latency,
                error_rate=error_rate,
            )
        )
        return CallSystemConfig.from_row(row)

    @strawberry.mutation(
        description=(
            "End the call: status ENDED with an end time, active recommendations deactivated, "
            "the active phase completed. Ending an ended call changes nothing."
        )
    )
    async def end_live_call(self, info: Ctx, call_id: str) -> LiveCall:
        row = await info.context.write(partial(lifecycle.end_live_call, call_id=call_id))
        return LiveCall.from_row(row, loaders=info.context.loaders)
