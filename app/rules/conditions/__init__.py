"""A rule's one condition: a frozen dataclass per kind, stored as its ``to_json`` under ``rules.kind``.

One module per kind; ``KINDS`` maps each kind to its class. Checks name the input's full
path (``input.condition.phrasesSaid.phrases``), as BAD_USER_INPUT must.
"""

from typing import Any

from app.rules.conditions.base import Condition
from app.rules.conditions.metric import MetricCondition
from app.rules.conditions.phrases_not_said import PhrasesNotSaid
from app.rules.conditions.phrases_said import PhrasesSaid
from app.rules.conditions.pipeline_health import PipelineHealth
from app.rules.conditions.sentiment import SentimentCondition
from app.rules.conditions.time_in_state import TimeInState
from app.rules.enums import ConditionKind

AnyCondition = (
    PhrasesSaid | PhrasesNotSaid | SentimentCondition | MetricCondition | TimeInState | PipelineHealth
)

KINDS: dict[ConditionKind, type[AnyCondition]] = {
    cls.kind: cls
    for cls in (PhrasesSaid, PhrasesNotSaid, SentimentCondition, MetricCondition, TimeInState, PipelineHealth)
}


def from_stored(kind: str, data: dict[str, Any]) -> AnyCondition:
    """The condition a rule row holds."""
    return KINDS[ConditionKind(kind)].from_json(data)


__all__ = [
    "KINDS",
    "AnyCondition",
    "Condition",
    "MetricCondition",
    "PhrasesNotSaid",
    "PhrasesSaid",
    "PipelineHealth",
    "SentimentCondition",
    "TimeInState",
    "from_stored",
]
