"""What other packages add to a call's start and end, inside the call's own transaction.

Campaign plans and redaction policies, post-call analytics, the webhook outbox and the rules are
built on calls, so calls imports none of them: a mutation asks its transaction's ``CallHooks``
instead, and ``app.call_hooks`` is the implementation the app wires in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.calls import defaults
from app.calls.models import LiveCall
from app.core.store import Store
from app.redaction.redact import Policy

if TYPE_CHECKING:  # events.py's Transaction holds the hooks: imported for types only, no cycle at runtime
    from app.calls.events import Event, Transaction


@dataclass(frozen=True)
class CallPlan:
    """What startLiveCall seeds: the objectives and the price of a minute."""

    objectives: Sequence[str]
    cost_per_minute: float


DEFAULT_PLAN = CallPlan(
    objectives=defaults.OBJECTIVES, cost_per_minute=defaults.SYSTEM_CONFIG["cost_per_minute"]
)


class CallHooks(Protocol):
    redaction_window: float
    """Seconds within which a speaker's next final line may finish a card number (``REDACTION_WINDOW``)."""

    async def plan(self, store: Store, campaign_id: str | None) -> CallPlan:
        """The objectives and cost a new call of ``campaign_id`` starts with."""
        ...

    async def retired(self, store: Store, call_id: str) -> bool:
        """Whether an ended call kept ``call_id`` after retention removed its live records."""
        ...

    async def redaction(self, store: Store, campaign_id: str | None) -> Policy:
        """What a new call of ``campaign_id`` cleans its lines of (``app.redaction``)."""
        ...

    async def ended(self, store: Store, call: LiveCall) -> None:
        """After the call's records say it ended: what the rest of the app keeps of it."""
        ...

    async def changed(self, tx: "Transaction", events: Sequence["Event"]) -> None:
        """After a change, before its commit: what the events it recorded set off (the rules'
        alerts), in the same transaction. Called once per write, by ``WritePath``."""
        ...
