"""Reading alerts: the alerts query and a call's alerts, filtered by scope in SQL."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.scope import Scope
from app.rules.enums import AlertStatus, Severity
from app.rules.models import Alert

MAX_ALERTS = 500
"""The alerts query's largest page."""


async def list_alerts(
    session: AsyncSession,
    *,
    scope: Scope,
    status: AlertStatus | None = None,
    severity: Severity | None = None,
    campaign_id: str | None = None,
    call_id: str | None = None,
    first: int = 100,
) -> list[Alert]:
    """Newest first. A ``campaign_id`` outside the scope is FORBIDDEN, as liveCalls' is."""
    query = select(Alert).where(scope.where(Alert.campaign_id))
    if status is not None:
        query = query.where(Alert.status == status.value)
    if severity is not None:
        query = query.where(Alert.severity == severity.value)
    if campaign_id is not None:
        scope.require("campaignId", campaign_id)
        query = query.where(Alert.campaign_id == campaign_id)
    if call_id is not None:
        query = query.where(Alert.call_id == call_id)
    query = query.order_by(col(Alert.id).desc()).limit(first)
    return list((await session.exec(query)).all())


async def alerts_by_call(
    session: AsyncSession, call_ids: Sequence[int], *, status: AlertStatus | None
) -> dict[int, list[Alert]]:
    """Each call's alerts, newest first (the calls were read in scope)."""
    query = select(Alert).where(col(Alert.live_call_id).in_(call_ids))
    if status is not None:
        query = query.where(Alert.status == status.value)
    grouped: dict[int, list[Alert]] = defaultdict(list)
    for row in (await session.exec(query.order_by(col(Alert.id).desc()))).all():
        grouped[row.live_call_id].append(row)
    return grouped
