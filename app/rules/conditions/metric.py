"""METRIC: a performance metric below a value, or at or above one."""

from dataclasses import dataclass
from typing import Any, ClassVar

from app.calls.ranges import PERCENT
from app.core.validation import in_range
from app.rules.conditions.base import exactly_one
from app.rules.enums import ConditionKind, RuleMetric


@dataclass(frozen=True)
class MetricCondition:
    kind: ClassVar[ConditionKind] = ConditionKind.METRIC
    key: ClassVar[str] = "metric"

    metric: RuleMetric
    below: float | None = None
    at_least: float | None = None

    def check(self, at: str) -> None:
        exactly_one(at, below=self.below, atLeast=self.at_least)
        in_range(f"{at}.below", self.below, *PERCENT)
        in_range(f"{at}.atLeast", self.at_least, *PERCENT)

    def met(self, value: float) -> bool:
        if self.below is not None:
            return value < self.below
        assert self.at_least is not None
        return value >= self.at_least

    def describe(self, value: float) -> str:
        name = self.metric.name
        if self.below is not None:
            return f"{name} {value:g} is below {self.below:g}"
        assert self.at_least is not None
        return f"{name} {value:g} is at or above {self.at_least:g}"

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric.name, "below": self.below, "at_least": self.at_least}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MetricCondition":
        return cls(metric=RuleMetric[data["metric"]], below=data.get("below"), at_least=data.get("at_least"))
