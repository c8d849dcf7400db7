"""Campaigns: create and read them, and the plan a new call of a campaign starts from.

The spec's ``campaignId`` is ``v.id("campaigns")``, yet callers (the bench, pipelines
written before campaigns were records) pass free labels. So a ``campaignId`` that names
a campaign seeds that campaign's objectives and cost; any other value is kept as a
label and the call gets the spec's defaults, as before campaigns existed.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.calls.hooks import DEFAULT_PLAN, CallPlan
from app.calls.ranges import COST_PER_MINUTE, MAX_OBJECTIVES, RETENTION_DAYS
from app.campaigns.models import Campaign
from app.core.errors import InvalidInput
from app.core.scope import Scope
from app.core.sqltypes import utcnow
from app.core.store import Store
from app.core.validation import above_and_at_most, in_range, not_blank


async def create_campaign(
    session: AsyncSession,
    *,
    scope: Scope,
    name: str,
    objectives: Sequence[str],
    cost_per_minute: float,
    retention_days: float | None = None,
    campaign_id: str | None = None,
    redaction: dict[str, Any] | None = None,
) -> Campaign:
    """Store a campaign; the id is the caller's when given (it must be new), else a fresh UUID.

    A caller scoped to campaigns creates only campaigns it is scoped to, so it names the id.
    """
    scope.require("campaignId", campaign_id)
    not_blank("name", name, max_length=200)
    not_blank("campaignId", campaign_id, max_length=200)
    if len(objectives) > MAX_OBJECTIVES:
        raise InvalidInput("objectives", f"at most {MAX_OBJECTIVES} objectives, got {len(objectives)}")
    for text in objectives:
        not_blank("objectives", text, max_length=500)
    in_range("costPerMinute", cost_per_minute, *COST_PER_MINUTE)
    above_and_at_most("retentionDays", retention_days, *RETENTION_DAYS)
    if campaign_id is not None and await session.get(Campaign, campaign_id) is not None:
        raise InvalidInput("campaignId", f"a campaign with id {campaign_id!r} already exists")
    campaign = Campaign(
        id=campaign_id or str(uuid.uuid4()),
        name=name,
        objectives=list(objectives),
        cost_per_minute=cost_per_minute,
        retention_days=retention_days,
        redaction=redaction,
        created_at=utcnow(),
    )
    session.add(campaign)
    try:
        await session.flush()
    except IntegrityError as error:
        raise InvalidInput("campaignId", f"a campaign with id {campaign_id!r} already exists") from error
    return campaign


async def get_campaign(session: AsyncSession, campaign_id: str, *, scope: Scope) -> Campaign | None:
    """The campaign, or ``None`` when there is none or it is outside ``scope``."""
    if not scope.sees(campaign_id):
        return None
    return await session.get(Campaign, campaign_id)


async def list_campaigns(session: AsyncSession, *, scope: Scope) -> list[Campaign]:
    """The campaigns in ``scope``, newest first."""
    query = (
        select(Campaign)
        .where(scope.where(Campaign.id))
        .order_by(col(Campaign.created_at).desc(), col(Campaign.id))
    )
    return list((await session.exec(query)).all())


async def plan_for(store: Store, campaign_id: str | None) -> CallPlan:
    """The campaign's objectives and cost when ``campaign_id`` names one, else the spec's defaults.

    The caller has checked ``campaign_id`` against its scope.
    """
    campaign = await store.one(Campaign, id=campaign_id) if campaign_id is not None else None
    if campaign is None:
        return DEFAULT_PLAN
    return CallPlan(objectives=campaign.objectives, cost_per_minute=campaign.cost_per_minute)
