"""Campaigns: create, list and read them."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import ranges
from app.campaigns import models, service
from app.core.errors import InvalidInput
from app.graphql.context import Context
from app.redaction.entities import Entity
from app.redaction.redact import Policy

SensitiveData = strawberry.enum(
    Entity,
    name="SensitiveData",
    description="Kinds of sensitive data a transcript line is cleaned of (README: Sensitive data).",
)


@strawberry.type(
    description=(
        "A campaign. startLiveCall with its id seeds these objectives and this cost per minute; "
        "retentionDays bounds how long its calls' live records are kept."
    )
)
class Campaign:
    campaign_id: str = strawberry.field(
        description="The campaign's id: what LiveCall.campaignId and CampaignReport.campaignId hold."
    )
    name: str
    objectives: list[str]
    cost_per_minute: float = strawberry.field(description="US dollars per minute.")
    retention_days: float | None = strawberry.field(
        description="Days after a call ends before its live records are removed; null: the server's default."
    )
    created_at: datetime
    redact: list[SensitiveData] | None = strawberry.field(  # type: ignore[valid-type]
        description="What its calls' lines are cleaned of; null: the server's default (REDACT)."
    )
    keep_last_four: list[SensitiveData] | None = strawberry.field(  # type: ignore[valid-type]
        description="The kinds replaced by their last four digits (•••• 1111) instead of [KIND]."
    )

    @strawberry.field(
        deprecation_reason="Use `campaignId` (the same value), as LiveCall and CampaignReport do."
    )
    def id(self) -> str:
        return self.campaign_id

    @classmethod
    def from_row(cls, row: models.Campaign) -> "Campaign":
        return cls(
            campaign_id=row.id,
            name=row.name,
            objectives=list(row.objectives),
            cost_per_minute=row.cost_per_minute,
            retention_days=row.retention_days,
            created_at=row.created_at,
            redact=sorted(Entity(kind) for kind in row.redaction["redact"]) if row.redaction else None,
            keep_last_four=(
                sorted(Entity(kind) for kind in row.redaction["keepLastFour"]) if row.redaction else None
            ),
        )


@strawberry.type
class CampaignQuery:
    @strawberry.field(description="Every campaign the caller may see, newest first.")
    async def campaigns(self, info: Info[Context, None]) -> list[Campaign]:
        async with info.context.services.db.read() as session:
            rows = await service.list_campaigns(session, scope=info.context.scope)
        return [Campaign.from_row(row) for row in rows]

    @strawberry.field(description="One campaign; null when there is no such campaign.")
    async def campaign(self, info: Info[Context, None], campaign_id: str) -> Campaign | None:
        async with info.context.services.db.read() as session:
            row = await service.get_campaign(session, campaign_id, scope=info.context.scope)
        return Campaign.from_row(row) if row else None


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(description="Create a campaign; its id is `campaignId` when given, else a new UUID.")
    async def create_campaign(
        self,
        info: Info[Context, None],
        name: str,
        objectives: Annotated[
            list[str],
            strawberry.argument(
                description=f"Seeded, in this order, on each call (at most {ranges.MAX_OBJECTIVES})."
            ),
        ],
        cost_per_minute: Annotated[
            float,
            strawberry.argument(description=f"US dollars per minute, {ranges.COST_PER_MINUTE.text()}."),
        ],
        retention_days: Annotated[
            float | None,
            strawberry.argument(
                description=(
                    f"More than 0 and at most {ranges.number(ranges.RETENTION_DAYS.high)} (100 years); "
                    "omit for the server's default."
                )
            ),
        ] = None,
        campaign_id: str | None = None,
        redact: Annotated[
            list[SensitiveData] | None,  # type: ignore[valid-type]
            strawberry.argument(
                description=(
                    "What its calls' transcript lines are cleaned of before anything stores or sends them; "
                    "omit for the server's default (REDACT), [] for nothing."
                )
            ),
        ] = None,
        keep_last_four: Annotated[
            list[SensitiveData] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Of those, the kinds replaced by their last four digits."),
        ] = None,
    ) -> Campaign:
        if keep_last_four and redact is None:
            raise InvalidInput("keepLastFour", "name the kinds to redact too (redact)")
        if keep_last_four and not set(keep_last_four) <= set(redact or ()):
            raise InvalidInput("keepLastFour", "may name only kinds that redact names")
        policy = (
            None
            if redact is None
            else Policy(
                frozenset(redact), frozenset(keep_last_four or ()), info.context.settings.phone_region
            )
        )
        async with info.context.services.db.write() as session:
            row = await service.create_campaign(
                session,
                scope=info.context.scope,
                name=name,
                objectives=objectives,
                redaction=policy.stored() if policy is not None else None,
                cost_per_minute=cost_per_minute,
                retention_days=retention_days,
                campaign_id=campaign_id,
            )
        return Campaign.from_row(row)
