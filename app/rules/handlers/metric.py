"""METRIC: a metrics update that puts a metric below or at or above the rule's value."""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall
from app.rules.conditions import MetricCondition
from app.rules.enums import ConditionKind
from app.rules.fire import raise_alert
from app.rules.handlers.base import Handler

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    metrics = event.payload["metrics"]
    for rule in run.rules.of_kind(ConditionKind.METRIC, call):
        condition = rule.condition
        assert isinstance(condition, MetricCondition)
        value = float(metrics[condition.metric.value])
        if condition.met(value):
            await raise_alert(run.tx, call, rule, reason=condition.describe(value), matched=f"{value:g}")


HANDLER = Handler(frozenset({EventType.METRICS_UPDATED}), handle)
