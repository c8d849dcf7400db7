"""The features built on calls, hooked into a call's start and end (``app.calls.hooks``).

A new call takes its campaign's objectives, price and redaction policy; an ended call gets its
analytics row and, on its first end, the post-call webhook in the outbox, all
in the ending transaction. Every write's events go past the rules before it commits.
"""

from collections.abc import Sequence

from app.analytics.capture import capture
from app.analytics.document import analytics_document
from app.analytics.models import CallAnalytics
from app.calls.events import Event, Transaction
from app.calls.hooks import CallPlan
from app.calls.models import LiveCall
from app.campaigns.models import Campaign
from app.campaigns.service import plan_for
from app.core.config import Settings
from app.core.store import Store
from app.redaction.redact import Policy
from app.redaction.settings import default_policy
from app.rules.evaluate import evaluate
from app.rules.ruleset import RuleCache
from app.webhooks.enums import WebhookEventType
from app.webhooks.outbox import enqueue


class AppCallHooks:
    def __init__(self, default_redaction: Policy, redaction_window: float = 30) -> None:
        self.default_redaction = default_redaction
        self.redaction_window = redaction_window
        self.rules = RuleCache()

    @classmethod
    def from_settings(cls, settings: Settings) -> "AppCallHooks":
        return cls(default_policy(settings), settings.redaction_window)

    async def redaction(self, store: Store, campaign_id: str | None) -> Policy:
        campaign = await store.one(Campaign, id=campaign_id) if campaign_id is not None else None
        if campaign is None or campaign.redaction is None:
            return self.default_redaction
        return Policy.from_stored(campaign.redaction, self.default_redaction.region)

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

    async def changed(self, tx: Transaction, events: Sequence[Event]) -> None:
        await evaluate(tx, events, self.rules)
