"""A rule as a request gives it (create) or changes it (update), checked with the input's field paths."""

from dataclasses import dataclass

from app.calls.ranges import COOLDOWN_SECONDS
from app.core.errors import InvalidInput
from app.core.validation import in_range, not_blank
from app.rules.coaching import CoachingTemplate
from app.rules.conditions import AnyCondition
from app.rules.enums import Severity


@dataclass(frozen=True)
class RuleDraft:
    name: str
    severity: Severity
    condition: AnyCondition
    campaign_id: str | None = None
    enabled: bool = True
    coaching: CoachingTemplate | None = None
    webhook: bool = False
    cooldown_seconds: float = 300

    def check(self, at: str = "input") -> None:
        not_blank(f"{at}.name", self.name, max_length=200)
        not_blank(f"{at}.campaignId", self.campaign_id, max_length=200)
        self.condition.check(f"{at}.condition.{self.condition.key}")
        if self.coaching is not None:
            self.coaching.check(f"{at}.coaching")
        in_range(f"{at}.cooldownSeconds", self.cooldown_seconds, *COOLDOWN_SECONDS)


@dataclass(frozen=True)
class RulePatch:
    """``None`` leaves a field as it is; ``remove_coaching`` drops the template."""

    name: str | None = None
    severity: Severity | None = None
    enabled: bool | None = None
    condition: AnyCondition | None = None
    coaching: CoachingTemplate | None = None
    remove_coaching: bool = False
    webhook: bool | None = None
    cooldown_seconds: float | None = None

    def check(self, at: str = "patch") -> None:
        not_blank(f"{at}.name", self.name, max_length=200)
        if self.condition is not None:
            self.condition.check(f"{at}.condition.{self.condition.key}")
        if self.coaching is not None:
            if self.remove_coaching:
                raise InvalidInput(f"{at}.removeCoaching", "give either coaching or removeCoaching, not both")
            self.coaching.check(f"{at}.coaching")
        in_range(f"{at}.cooldownSeconds", self.cooldown_seconds, *COOLDOWN_SECONDS)
