"""SENTIMENT: the call's negative percentage at or above a threshold, or its trend DECLINING.

At once (on the sentiment update that meets it), for ``for_lines`` consecutive final lines
that roll the sentiment, or held for ``for_seconds`` (a time-based condition).
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from app.calls.ranges import PERCENT, RULE_LINES
from app.core.errors import InvalidInput
from app.core.validation import in_range
from app.rules.conditions.base import check_seconds, exactly_one
from app.rules.enums import ConditionKind


@dataclass(frozen=True)
class SentimentCondition:
    kind: ClassVar[ConditionKind] = ConditionKind.SENTIMENT
    key: ClassVar[str] = "sentiment"

    negative_at_least: int | None = None
    declining: bool | None = None
    for_seconds: float | None = None
    for_lines: int | None = None

    def check(self, at: str) -> None:
        exactly_one(at, negativeAtLeast=self.negative_at_least, declining=self.declining)
        in_range(f"{at}.negativeAtLeast", self.negative_at_least, *PERCENT)
        if self.for_seconds is not None and self.for_lines is not None:
            raise InvalidInput(f"{at}.forLines", "give at most one of forSeconds or forLines")
        check_seconds(f"{at}.forSeconds", self.for_seconds)
        in_range(f"{at}.forLines", self.for_lines, *RULE_LINES)

    def met(self, negative_percentage: float, trend: str) -> bool:
        """Whether the call's sentiment as it is now meets the threshold or trend."""
        if self.negative_at_least is not None:
            return negative_percentage >= self.negative_at_least
        return trend == "declining"

    def describe(self) -> str:
        if self.negative_at_least is not None:
            return f"negative sentiment at {self.negative_at_least}% or more"
        return "sentiment declining"

    def to_json(self) -> dict[str, Any]:
        return {
            "negative_at_least": self.negative_at_least,
            "declining": self.declining,
            "for_seconds": self.for_seconds,
            "for_lines": self.for_lines,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SentimentCondition":
        return cls(
            negative_at_least=data.get("negative_at_least"),
            declining=data.get("declining"),
            for_seconds=data.get("for_seconds"),
            for_lines=data.get("for_lines"),
        )
