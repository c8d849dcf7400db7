"""PHRASES_NOT_SAID: the phrases not said by the speaker within N s of connecting, or before a phase ends.

A final line with one of the phrases (the one automaton pass ``Evaluation.phrase_hits``
shares with phrases said) marks the rule ``said`` on the call and stops its clock. The
clock of ``within_seconds`` starts the first time the call becomes CONNECTED (once per
call: the row stays); ``before_phase_ends`` needs no clock, the PHASE_CHANGED that
completes the phase decides.
"""

from typing import TYPE_CHECKING

from app.calls.enums import CallStatus, EventType, PhaseStatus
from app.calls.events import Event, Transaction
from app.calls.models import LiveCall
from app.core.store import Store
from app.rules.conditions import PhrasesNotSaid
from app.rules.deadlines.clock import arm, clock, disarm
from app.rules.deadlines.due import Firing
from app.rules.deadlines.models import RuleDeadline
from app.rules.enums import ConditionKind, RuleSpeaker
from app.rules.fire import raise_alert
from app.rules.handlers.base import Handler, is_final_line
from app.rules.models import RuleCallState
from app.rules.ruleset import ActiveRule
from app.rules.state import rule_state

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    if ConditionKind.PHRASES_NOT_SAID not in run.rules.by_kind:
        return
    if is_final_line(event):
        await _line(run, call, event)
    elif event.type is EventType.STATUS_CHANGED:
        if event.payload["call"]["status"] == CallStatus.CONNECTED.value:
            await _connected(run, call, event)
    elif event.type is EventType.PHASE_CHANGED:
        for phase in event.payload["phases"]:
            if phase["status"] == PhaseStatus.COMPLETED.value:
                await _phase_ended(run, call, phase["phase"])


async def _line(run: "Evaluation", call: LiveCall, event: Event) -> None:
    line = event.payload["transcript"]
    for rule_id in run.phrase_hits(event, line["text"]):
        rule = run.rules.rules[rule_id]
        condition = rule.condition
        if not isinstance(condition, PhrasesNotSaid) or not rule.applies_to(call):
            continue
        if condition.speaker is not RuleSpeaker.EITHER and condition.speaker.value.lower() != line["speaker"]:
            continue
        state = await rule_state(run.tx.store, rule.id, call)
        if not state.said:
            state.said = True
        if condition.within_seconds is not None:
            await disarm(run.tx.store, rule.id, call)


async def _connected(run: "Evaluation", call: LiveCall, event: Event) -> None:
    for rule in run.rules.of_kind(ConditionKind.PHRASES_NOT_SAID, call):
        condition = rule.condition
        assert isinstance(condition, PhrasesNotSaid)
        if condition.within_seconds is None or await clock(run.tx.store, rule.id, call) is not None:
            continue  # a phase's rule, or the call connected before: the clock runs once per call
        if not await _said(run.tx.store, rule, call):
            await arm(run.tx.store, rule, call, since=event.created_at, seconds=condition.within_seconds)


async def _phase_ended(run: "Evaluation", call: LiveCall, phase: str) -> None:
    for rule in run.rules.of_kind(ConditionKind.PHRASES_NOT_SAID, call):
        condition = rule.condition
        assert isinstance(condition, PhrasesNotSaid)
        if condition.before_phase_ends != phase or await _said(run.tx.store, rule, call):
            continue
        reason = f"{_who(condition)} did not say {_phrases(condition)} before {phase} ended"
        await raise_alert(run.tx, call, rule, reason=reason, matched=None)


async def due(tx: Transaction, call: LiveCall, rule: ActiveRule, row: RuleDeadline) -> Firing | None:
    condition = rule.condition
    assert isinstance(condition, PhrasesNotSaid)
    if condition.within_seconds is None or await _said(tx.store, rule, call):
        return None
    seconds = f"{condition.within_seconds:g}"
    reason = f"{_who(condition)} did not say {_phrases(condition)} within {seconds} s of connecting"
    return Firing(reason, None)


async def _said(store: Store, rule: ActiveRule, call: LiveCall) -> bool:
    state = await store.one(RuleCallState, rule_id=rule.id, live_call_id=call.id)
    return state is not None and state.said


def _who(condition: PhrasesNotSaid) -> str:
    return "nobody" if condition.speaker is RuleSpeaker.EITHER else condition.speaker.value


def _phrases(condition: PhrasesNotSaid) -> str:
    shown = " or ".join(f'"{phrase}"' for phrase in condition.phrases[:3])
    more = len(condition.phrases) - 3
    return f"{shown} (or {more} more)" if more > 0 else shown


HANDLER = Handler(
    frozenset(
        {
            EventType.TRANSCRIPT_ADDED,
            EventType.TRANSCRIPT_UPDATED,
            EventType.STATUS_CHANGED,
            EventType.PHASE_CHANGED,
        }
    ),
    handle,
)
