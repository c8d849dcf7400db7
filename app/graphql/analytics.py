"""Post-call analytics: one call's summary and a campaign's report."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.analytics import models, reads
from app.calls import models as call_models
from app.calls.events import restored
from app.campaigns.service import get_campaign
from app.graphql.campaigns import Campaign
from app.graphql.context import Context
from app.graphql.datetimes import AwareDateTimes
from app.graphql.enums import PhaseStatus, Quality, SupervisorActionType
from app.graphql.types import CallObjective, PerformanceMetrics, SentimentAnalysis, SupervisorAction


@strawberry.type(description="How long a phase ran and how it went.")
class PhaseSummary:
    phase: str
    order: int
    status: PhaseStatus
    start_time: datetime | None
    end_time: datetime | None
    seconds: float | None = strawberry.field(description="endTime - startTime; null if it never ran.")
    quality: Quality | None

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> "PhaseSummary":
        row = restored(call_models.CallPhase, data)
        return cls(
            phase=row.phase,
            order=row.order,
            status=PhaseStatus(row.status),
            start_time=row.start_time,
            end_time=row.end_time,
            seconds=data.get("seconds"),
            quality=Quality(row.quality) if row.quality else None,
        )


@strawberry.type(description="How many times supervisors took one kind of action.")
class ActionCount:
    action: SupervisorActionType
    count: int


@strawberry.type(description="The summary of an ended call, written when it ended and kept after retention.")
class CallAnalytics:
    call_id: str
    campaign_id: str | None
    campaign_name: str
    agent_name: str
    customer_name: str
    start_time: datetime
    end_time: datetime
    duration: float = strawberry.field(description="Seconds, as the pipeline last reported.")
    elapsed_seconds: float = strawberry.field(description="endTime - startTime.")
    cost_per_minute: float
    total_cost: float = strawberry.field(description="duration / 60 × costPerMinute, in US dollars.")
    sentiment: SentimentAnalysis = strawberry.field(description="The rolling sentiment at the end.")
    metrics: PerformanceMetrics = strawberry.field(description="The last performance metrics.")
    phases: list[PhaseSummary]
    objectives: list[CallObjective] = strawberry.field(description="Each objective as the call left it.")
    objectives_total: int
    objectives_completed: int
    objectives_missed: int
    agent_lines: int = strawberry.field(description="Transcript lines the agent spoke.")
    customer_lines: int = strawberry.field(description="Transcript lines the customer spoke.")
    supervisor_actions: list[ActionCount] = strawberry.field(description="Supervisor actions by type.")
    bookmarks: list[SupervisorAction]
    flags: list[SupervisorAction] = strawberry.field(description="FLAG_FOR_REVIEW actions.")

    @classmethod
    def from_row(cls, row: models.CallAnalytics) -> "CallAnalytics":
        def actions(items: list[dict[str, Any]]) -> list[SupervisorAction]:
            return [SupervisorAction.from_row(restored(call_models.SupervisorAction, i)) for i in items]

        return cls(
            call_id=row.call_id,
            campaign_id=row.campaign_id,
            campaign_name=row.campaign_name,
            agent_name=row.agent_name,
            customer_name=row.customer_name,
            start_time=row.start_time,
            end_time=row.end_time,
            duration=row.duration,
            elapsed_seconds=row.elapsed_seconds,
            cost_per_minute=row.cost_per_minute,
            total_cost=row.total_cost,
            sentiment=SentimentAnalysis.from_row(restored(call_models.SentimentAnalysis, row.sentiment)),
            metrics=PerformanceMetrics.from_row(restored(call_models.LivePerformanceMetrics, row.metrics)),
            phases=[PhaseSummary.from_snapshot(phase) for phase in row.phases],
            objectives=[
                CallObjective.from_row(restored(call_models.CallObjective, o)) for o in row.objectives
            ],
            objectives_total=row.objectives_total,
            objectives_completed=row.objectives_completed,
            objectives_missed=row.objectives_missed,
            agent_lines=row.agent_lines,
            customer_lines=row.customer_lines,
            supervisor_actions=[
                ActionCount(action=SupervisorActionType(action), count=count)
                for action, count in sorted(row.actions_by_type.items())
            ],
            bookmarks=actions(row.bookmarks),
            flags=actions(row.flags),
        )


@strawberry.type(
    description=(
        "A campaign's ended calls that started in [from, to), aggregated by the database. "
        "Averages are null when there are no calls."
    )
)
class CampaignReport:
    campaign_id: str
    campaign: Campaign | None = strawberry.field(description="Null when campaignId is a free label.")
    from_: datetime | None = strawberry.field(name="from")
    to: datetime | None
    calls: int
    average_duration: float | None = strawberry.field(description="Seconds.")
    total_cost: float
    average_cost: float | None
    average_positive_percentage: float | None
    average_neutral_percentage: float | None
    average_negative_percentage: float | None
    average_conversion_probability: float | None
    objectives_total: int
    objectives_completed: int
    objectives_missed: int
    objectives_completion_rate: float | None = strawberry.field(
        description="objectivesCompleted / objectivesTotal over all the calls, 0 to 1."
    )
    bookmarks: int
    flags: int


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="An ended call's analytics; null while the call runs or if there is none.")
    async def call_analytics(self, info: Info[Context, None], call_id: str) -> CallAnalytics | None:
        async with info.context.services.db.read() as session:
            row = await reads.get_analytics(session, call_id, scope=info.context.scope)
        return CallAnalytics.from_row(row) if row else None

    @strawberry.field(
        description="Aggregates over a campaign's ended calls that started in [from, to).",
        extensions=[AwareDateTimes()],
    )
    async def campaign_report(
        self,
        info: Info[Context, None],
        campaign_id: str,
        from_: Annotated[
            datetime | None, strawberry.argument(name="from", description="Inclusive; omit for no bound.")
        ] = None,
        to: Annotated[
            datetime | None, strawberry.argument(description="Exclusive; omit for no bound.")
        ] = None,
    ) -> CampaignReport:
        async with info.context.services.db.read() as session:
            scope = info.context.scope
            report = await reads.campaign_report(
                session, scope=scope, campaign_id=campaign_id, start=from_, end=to
            )
            campaign = await get_campaign(session, campaign_id, scope=scope)
        return CampaignReport(
            campaign_id=campaign_id,
            campaign=Campaign.from_row(campaign) if campaign else None,
            from_=from_,
            to=to,
            **asdict(report),
        )
