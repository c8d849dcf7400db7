"""TIME_IN_STATE: ON_HOLD, a phase (one, or any), or SILENCE for longer than N s.

Each is a clock: ON_HOLD's runs from the change to ON_HOLD until the call leaves it; a
phase's from the phase becoming active until another does (the first phase is active from
the call's start); SILENCE's from the call becoming CONNECTED, pushed on by every final
line, until it leaves CONNECTED. A call's end stops every clock (``call_end``).
"""

from typing import TYPE_CHECKING

from app.calls import defaults
from app.calls.enums import CallStatus, EventType, PhaseStatus
from app.calls.events import Event, Transaction
from app.calls.models import CallPhase, LiveCall
from app.rules.conditions import TimeInState
from app.rules.deadlines.clock import arm, disarm
from app.rules.deadlines.due import Firing, held_for
from app.rules.deadlines.models import RuleDeadline
from app.rules.enums import ConditionKind, RuleState
from app.rules.handlers.base import Handler, is_final_line
from app.rules.ruleset import ActiveRule

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation

_ON_HOLD, _CONNECTED = CallStatus.ON_HOLD.value, CallStatus.CONNECTED.value


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    if ConditionKind.TIME_IN_STATE not in run.rules.by_kind:
        return
    store = run.tx.store
    for rule in run.rules.of_kind(ConditionKind.TIME_IN_STATE, call):
        condition = rule.condition
        assert isinstance(condition, TimeInState)
        if condition.state is RuleState.PHASE:
            phase = _activated(event)
            if phase is None:
                continue
            if condition.phase is None or condition.phase == phase:
                since, detail = event.created_at, {"phase": phase}
                await arm(store, rule, call, since=since, seconds=condition.seconds, detail=detail)
            else:
                await disarm(store, rule.id, call)
            continue
        watched = _ON_HOLD if condition.state is RuleState.ON_HOLD else _CONNECTED
        if event.type is EventType.STATUS_CHANGED:
            if event.payload["call"]["status"] == watched:
                await arm(store, rule, call, since=event.created_at, seconds=condition.seconds)
            elif event.payload["previousStatus"] == watched:
                await disarm(store, rule.id, call)
        elif condition.state is RuleState.SILENCE and is_final_line(event) and call.status == _CONNECTED:
            await arm(store, rule, call, since=event.created_at, seconds=condition.seconds)


def _activated(event: Event) -> str | None:
    """The phase ``event`` made active, if it made one."""
    if event.type is EventType.CALL_STARTED:
        return defaults.PHASES[0]  # startLiveCall seeds the phases with the first one active
    if event.type is EventType.PHASE_CHANGED:
        for phase in event.payload["phases"]:
            if phase["status"] == PhaseStatus.ACTIVE.value:
                name: str = phase["phase"]
                return name
    return None


async def due(tx: Transaction, call: LiveCall, rule: ActiveRule, row: RuleDeadline) -> Firing | None:
    condition = rule.condition
    assert isinstance(condition, TimeInState)
    seconds = f"{condition.seconds:g}"
    if condition.state is RuleState.ON_HOLD:
        if call.status != _ON_HOLD:
            return None
        return Firing(f"on hold for more than {seconds} s", held_for(row))
    if condition.state is RuleState.SILENCE:
        if call.status != _CONNECTED:
            return None
        return Firing(f"no final line for {seconds} s while connected", held_for(row))
    active = await tx.store.one(CallPhase, live_call_id=call.id, status=PhaseStatus.ACTIVE.value)
    phase = (row.detail or {}).get("phase")
    if active is None or active.phase != phase:
        return None
    return Firing(f"in phase {phase} for more than {seconds} s", held_for(row))


HANDLER = Handler(
    frozenset(
        {
            EventType.CALL_STARTED,
            EventType.STATUS_CHANGED,
            EventType.PHASE_CHANGED,
            EventType.TRANSCRIPT_ADDED,
            EventType.TRANSCRIPT_UPDATED,
        }
    ),
    handle,
)
