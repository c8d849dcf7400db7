"""Read side of webhooks: deliveries with their event, and each delivery's attempts."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.analytics.models import CallAnalytics
from app.core.scope import Scope
from app.webhooks.enums import DeliveryStatus
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent


async def list_deliveries(
    session: AsyncSession,
    *,
    scope: Scope,
    first: int,
    call_id: str | None = None,
    status: DeliveryStatus | None = None,
) -> list[tuple[WebhookDelivery, WebhookEvent]]:
    """Newest first; only the deliveries of calls in ``scope`` (by the ended call's analytics row)."""
    query = select(WebhookDelivery, WebhookEvent).join(
        WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id)
    )
    if not scope.is_everything:
        query = query.join(CallAnalytics, col(CallAnalytics.call_id) == col(WebhookEvent.call_id)).where(
            scope.where(CallAnalytics.campaign_id)
        )
    if call_id is not None:
        query = query.where(WebhookEvent.call_id == call_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    query = query.order_by(col(WebhookDelivery.id).desc()).limit(first)
    return [(delivery, event) for delivery, event in (await session.exec(query)).all()]


async def attempts_by_delivery(
    session: AsyncSession, delivery_ids: Sequence[int]
) -> dict[int, list[WebhookAttempt]]:
    query = (
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(WebhookAttempt.delivery_id), col(WebhookAttempt.number))
    )
    grouped: dict[int, list[WebhookAttempt]] = defaultdict(list)
    for row in (await session.exec(query)).all():
        grouped[row.delivery_id].append(row)
    return grouped
