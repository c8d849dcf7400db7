"""SENTIMENT held for N s: a clock from the sentiment update that first meets the condition.

An update that no longer meets it stops the clock; updates that go on meeting it leave the
clock where it started, so it fires when the condition has held continuously for N s. Once
fired it is not timed again until the condition stops holding and starts again.
"""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event, Transaction
from app.calls.models import LiveCall, SentimentAnalysis
from app.rules.conditions import SentimentCondition
from app.rules.deadlines.clock import arm, clock, disarm
from app.rules.deadlines.due import Firing, held_for
from app.rules.deadlines.models import RuleDeadline
from app.rules.enums import ConditionKind
from app.rules.handlers.base import Handler
from app.rules.ruleset import ActiveRule

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    sentiment = event.payload["sentiment"]
    for rule in run.rules.of_kind(ConditionKind.SENTIMENT, call):
        condition = rule.condition
        assert isinstance(condition, SentimentCondition)
        if condition.for_seconds is None:
            continue
        if not condition.met(sentiment["negative_percentage"], sentiment["trend"]):
            await disarm(run.tx.store, rule.id, call)
            continue
        row = await clock(run.tx.store, rule.id, call)
        if row is None or row.since is None:
            await arm(run.tx.store, rule, call, since=event.created_at, seconds=condition.for_seconds)


async def due(tx: Transaction, call: LiveCall, rule: ActiveRule, row: RuleDeadline) -> Firing | None:
    condition = rule.condition
    assert isinstance(condition, SentimentCondition) and condition.for_seconds is not None
    analysis = await tx.store.one(SentimentAnalysis, live_call_id=call.id)
    if analysis is None or not condition.met(analysis.negative_percentage, analysis.trend):
        return None
    reason = (
        f"{condition.describe()} for {condition.for_seconds:g} s"
        f" (negative {analysis.negative_percentage}%, trend {analysis.trend})"
    )
    return Firing(reason, held_for(row))


HANDLER = Handler(frozenset({EventType.SENTIMENT_UPDATED}), handle)
