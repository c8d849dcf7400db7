"""Post-call webhook deliveries and their attempts, for operators to inspect."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.core.errors import InvalidInput
from app.graphql.context import Context
from app.webhooks import models, reads
from app.webhooks.enums import DeliveryStatus

MAX_DELIVERIES = 200

strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING until a 2xx answer (DELIVERED) or the last allowed attempt fails (FAILED).",
)


@strawberry.type(description="One POST of a delivery.")
class WebhookAttempt:
    number: int = strawberry.field(description="1 for the first attempt.")
    attempted_at: datetime
    status_code: int | None = strawberry.field(description="The receiver's HTTP status; null if none came.")
    error: str | None
    duration_ms: float

    @classmethod
    def from_row(cls, row: models.WebhookAttempt) -> "WebhookAttempt":
        return cls(
            number=row.number,
            attempted_at=row.attempted_at,
            status_code=row.status_code,
            error=row.error,
            duration_ms=row.duration_ms,
        )


@strawberry.type(description="A post-call event on its way to one configured URL.")
class WebhookDelivery:
    id: int
    event_id: str = strawberry.field(description="The X-Webhook-Id header: the same on every retry.")
    event_type: str = strawberry.field(description='"call.ended".')
    call_id: str
    url: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    attempts: list[WebhookAttempt]


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Webhook deliveries, newest first, with every attempt.")
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        call_id: Annotated[str | None, strawberry.argument(description="Only this call's.")] = None,
        status: DeliveryStatus | None = None,
        first: Annotated[int, strawberry.argument(description=f"1 to {MAX_DELIVERIES}.")] = 50,
    ) -> list[WebhookDelivery]:
        if not 1 <= first <= MAX_DELIVERIES:
            raise InvalidInput("first", f"must be between 1 and {MAX_DELIVERIES}")
        async with info.context.services.db.read() as session:
            rows = await reads.list_deliveries(
                session, scope=info.context.scope, first=first, call_id=call_id, status=status
            )
            attempts = await reads.attempts_by_delivery(session, [d.id for d, _ in rows if d.id is not None])
        result: list[WebhookDelivery] = []
        for delivery, event in rows:
            assert delivery.id is not None
            result.append(
                WebhookDelivery(
                    id=delivery.id,
                    event_id=event.event_id,
                    event_type=event.type,
                    call_id=event.call_id,
                    url=delivery.url,
                    status=DeliveryStatus(delivery.status),
                    attempt_count=delivery.attempts,
                    next_attempt_at=delivery.next_attempt_at,
                    delivered_at=delivery.delivered_at,
                    last_status_code=delivery.last_status_code,
                    last_error=delivery.last_error,
                    created_at=delivery.created_at,
                    attempts=[WebhookAttempt.from_row(row) for row in attempts.get(delivery.id, [])],
                )
            )
        return result
