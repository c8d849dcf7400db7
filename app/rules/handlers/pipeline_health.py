"""PIPELINE_HEALTH: a system status update that leaves a service in error, or latency or
error rate above the rule's value."""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall
from app.rules.conditions import PipelineHealth
from app.rules.enums import ConditionKind
from app.rules.fire import raise_alert
from app.rules.handlers.base import Handler

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    config = event.payload["systemConfig"]
    for rule in run.rules.of_kind(ConditionKind.PIPELINE_HEALTH, call):
        condition = rule.condition
        assert isinstance(condition, PipelineHealth)
        reason = condition.unhealthy(config)
        if reason is not None:
            await raise_alert(run.tx, call, rule, reason=reason, matched=reason)


HANDLER = Handler(frozenset({EventType.SYSTEM_STATUS_UPDATED}), handle)
