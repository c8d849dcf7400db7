"""What every condition shares: its kind, its GraphQL input's name, checks naming the field."""

from collections.abc import Collection, Sequence
from typing import Any, ClassVar, Protocol

from app.calls import defaults
from app.calls.ranges import MAX_PHRASE_LENGTH, MAX_PHRASES, RULE_SECONDS
from app.core.errors import InvalidInput
from app.core.validation import in_range, not_blank
from app.rules.enums import ConditionKind
from app.rules.normalize import normalized

KNOWN_PHASES: tuple[str, ...] = defaults.PHASES
"""The phases every call is seeded with; campaigns have no phases of their own."""


class Condition(Protocol):
    kind: ClassVar[ConditionKind]
    key: ClassVar[str]
    """The condition's field in ``RuleConditionInput`` (``phrasesSaid``...)."""

    def check(self, at: str) -> None:
        """Refuse what no call could meet; ``at`` is the input's path (``input.condition.phrasesSaid``)."""
        ...

    def to_json(self) -> dict[str, Any]: ...


def check_phrases(at: str, phrases: Sequence[str]) -> None:
    field = f"{at}.phrases"
    if not phrases:
        raise InvalidInput(field, "must list at least one phrase")
    if len(phrases) > MAX_PHRASES:
        raise InvalidInput(field, f"must list at most {MAX_PHRASES} phrases, got {len(phrases)}")
    for index, phrase in enumerate(phrases):
        not_blank(f"{field}[{index}]", phrase, max_length=MAX_PHRASE_LENGTH)
        if not normalized(phrase).strip():
            raise InvalidInput(f"{field}[{index}]", "must contain a letter or a digit")


def check_seconds(field: str, value: float | None) -> None:
    in_range(field, value, *RULE_SECONDS)


def check_phase(field: str, phase: str | None, phases: Collection[str] = KNOWN_PHASES) -> None:
    if phase is not None and phase not in phases:
        known = ", ".join(repr(name) for name in phases)
        raise InvalidInput(field, f"unknown phase {phase!r}; the phases are {known}")


def exactly_one(at: str, **given: object) -> None:
    """Exactly one of the named fields is set (``False`` counts as not set)."""
    named = [name for name, value in given.items() if value is not None and value is not False]
    if len(named) != 1:
        options = " or ".join(given)
        said = f"got {', '.join(named)}" if named else "got none"
        raise InvalidInput(
            f"{at}.{named[-1] if named else next(iter(given))}", f"give exactly one of {options}; {said}"
        )
