"""Which of a call's records a ``liveCall`` document shows, to read them with the call.

Only the fields directly on the call count (through fragments too): a record the document
does not name is not read, and one it names under a condition (``@include``) is read anyway,
which costs a statement, never a wrong answer: the loaders would read it otherwise.
"""

from collections.abc import Iterable

from sqlmodel import SQLModel
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    LivePerformanceMetrics,
    SentimentAnalysis,
    SupervisorAction,
)

FIELDS: dict[str, type[SQLModel]] = {
    "sentiment": SentimentAnalysis,
    "performanceMetrics": LivePerformanceMetrics,
    "systemConfig": CallSystemConfig,
    "phases": CallPhase,
    "objectives": CallObjective,
    "supervisorActions": SupervisorAction,
}


def shown_records(selections: Iterable[Selection]) -> frozenset[type[SQLModel]]:
    found: set[type[SQLModel]] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name in FIELDS:
                found.add(FIELDS[selection.name])
        elif isinstance(selection, FragmentSpread | InlineFragment):
            found |= shown_records(selection.selections)
    return frozenset(found)
