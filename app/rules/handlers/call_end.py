"""A call's end stops every clock the rules run on it: nothing fires on an ended call."""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall
from app.rules.deadlines.clock import stop
from app.rules.deadlines.models import RuleDeadline
from app.rules.enums import ConditionKind
from app.rules.handlers.base import Handler

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


TIMED = frozenset({ConditionKind.PHRASES_NOT_SAID, ConditionKind.TIME_IN_STATE, ConditionKind.SENTIMENT})
"""The kinds that may run a clock (SENTIMENT only with ``for_seconds``)."""


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    if TIMED.isdisjoint(run.rules.by_kind):
        return  # a clock of a rule disabled since is stopped by the claimer instead
    for row in await run.tx.store.all(RuleDeadline, live_call_id=call.id):
        stop(row)


HANDLER = Handler(frozenset({EventType.CALL_ENDED}), handle)
