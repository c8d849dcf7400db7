"""PHRASES_SAID: a final line with one of the rule's phrases, said by its speaker."""

from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall
from app.rules.conditions import PhrasesSaid
from app.rules.enums import ConditionKind, RuleSpeaker
from app.rules.fire import raise_alert
from app.rules.handlers.base import Handler, is_final_line

if TYPE_CHECKING:
    from app.rules.evaluate import Evaluation


async def handle(run: "Evaluation", call: LiveCall, event: Event) -> None:
    if not is_final_line(event) or ConditionKind.PHRASES_SAID not in run.rules.by_kind:
        return
    line = event.payload["transcript"]
    hits = run.phrase_hits(event, line["text"])
    for rule_id, phrase in hits.items():
        rule = run.rules.rules[rule_id]
        condition = rule.condition
        if not isinstance(condition, PhrasesSaid) or not rule.applies_to(call):
            continue
        if condition.speaker is not RuleSpeaker.EITHER and condition.speaker.value.lower() != line["speaker"]:
            continue
        reason = f'{line["speaker"].upper()} said "{phrase}"'
        await raise_alert(run.tx, call, rule, reason=reason, matched=line["text"])


HANDLER = Handler(frozenset({EventType.TRANSCRIPT_ADDED, EventType.TRANSCRIPT_UPDATED}), handle)
