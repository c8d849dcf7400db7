"""The features built on calls, hooked into a call's start and end (``app.calls.hooks``).

A new call takes its campaign's objectives and price; an ended call gets its
analytics row and, on its first end, the post-call webhook in the outbox, all
in the ending transaction.
"""

from app.analytics.capture import capture
from app.analytics.document import analytics_document
from app.analytics.models import CallAnalytics
from app.calls.hooks import CallPlan
from app.calls.models import LiveCall
from app.campaigns.service import plan_for
from app.core.store import Store
from app.webhooks.enums import WebhookEventType
from app.webhooks.outbox import enqueue


class AppCallHooks:
    async def plan(self, store: Store, campaign_id: str | None) -> CallPlan:
        return await plan_for(store, campaign_id)

    async def retired(self, store: Store, call_id: str) -> bool:
        return await store.one(CallAnalytics, call_id=call_id) is not None

    async def ended(self, store: Store, call: LiveCall) -> None:
        analytics, first_end = await capture(store, call)
        if first_end:
            await enqueue(
                store,
                type=WebhookEventType.CALL_ENDED,
                call_id=call.call_id,
                data={"callId": call.call_id, "analytics": analytics_document(analytics)},
            )


HOOKS = AppCallHooks()
