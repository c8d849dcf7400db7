"""The rules run over a write's events, after its change and before its commit.

``WritePath`` calls the hooks' ``changed`` once per write with the events the change
recorded; each event goes to the handlers of its type (``app.rules.handlers.HANDLERS``),
each handler to the rules of its kind that apply to the call. ALERT_* events are never
evaluated, so a firing cannot set off another.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.calls.enums import ALERT_EVENTS
from app.calls.events import Event, Transaction
from app.calls.models import LiveCall
from app.rules.handlers import HANDLERS, Handler
from app.rules.ruleset import RuleCache, RuleSet

_HANDLED = frozenset(kind for handler in HANDLERS for kind in handler.events) - ALERT_EVENTS


@dataclass
class Evaluation:
    """One write's evaluation: its transaction, the rule set it reads, lines matched so far."""

    tx: Transaction
    rules: RuleSet
    _phrases: dict[tuple[str, int], dict[int, str]] = field(default_factory=dict)

    def phrase_hits(self, event: Event, text: str) -> dict[int, str]:
        """The phrases rules ``text`` (the line of ``event``) meets, matched once per line
        whichever handlers ask (phrases said, phrases not said)."""
        key = (event.call_id, event.seq)
        hits = self._phrases.get(key)
        if hits is None:
            hits = self._phrases[key] = self.rules.phrases.matches(text)
        return hits


async def evaluate(tx: Transaction, events: Sequence[Event], cache: RuleCache) -> None:
    work: list[tuple[Event, LiveCall, Handler]] = [
        (event, tx.calls[event.call_id], handler)
        for event in events
        if event.type in _HANDLED
        for handler in HANDLERS
        if event.type in handler.events
    ]
    if not work:
        return
    run = Evaluation(tx, await cache.current(tx.store))
    for event, call, handler in work:
        await handler.handle(run, call, event)
