"""SENTIMENT at once or for N lines: on each sentiment update (one per final line with a label).

Held for N seconds is a time-based condition, not handled here.
"""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall
from app.rules.conditions import SentimentCondition
from app.rules.enums import ConditionKind
from app.rules.fire import raise_alert
from app.rules.handlers.base import Handler
from app.rules.state import rule_state

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    sentiment = event.payload["sentiment"]
    negative, trend = sentiment["negative_percentage"], sentiment["trend"]
    for rule in run.rules.of_kind(ConditionKind.SENTIMENT, call):
        condition = rule.condition
        assert isinstance(condition, SentimentCondition)
        if condition.for_seconds is not None:
            continue
        met = condition.met(negative, trend)
        reason = f"{condition.describe()} (negative {negative}%, trend {trend})"
        if condition.for_lines is not None:
            state = await rule_state(run.tx.store, rule.id, call)
            state.streak = state.streak + 1 if met else 0
            if state.streak < condition.for_lines:
                continue
            reason = f"{reason} for {state.streak} lines"
        elif not met:
            continue
        await raise_alert(run.tx, call, rule, reason=reason, matched=f"{negative}%")


HANDLER = Handler(frozenset({EventType.SENTIMENT_UPDATED}), handle)
