"""Put a post-call event in the outbox, in the caller's transaction."""

import json
import uuid
from typing import Any

from app.core.sqltypes import utcnow
from app.core.store import Store
from app.webhooks.enums import WebhookEventType
from app.webhooks.models import WebhookEvent


async def enqueue(store: Store, *, type: WebhookEventType, call_id: str, data: dict[str, Any]) -> None:
    """Store the event's exact body: every attempt signs and sends the same bytes."""
    now = utcnow()
    event_id = str(uuid.uuid4())
    body = json.dumps(
        {"id": event_id, "type": type.value, "createdAt": now.isoformat(), "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,  # Infinity and NaN are not JSON: fail the ending transaction, loudly
    )
    store.add(WebhookEvent, event_id=event_id, type=type.value, call_id=call_id, body=body, created_at=now)
