"""A rule's coaching template: the recommendation each firing adds to the call."""

from dataclasses import dataclass
from typing import Any

from app.calls.enums import RecommendationType
from app.calls.new_transcript_entry import MAX_TEXT_LENGTH
from app.calls.ranges import PRIORITY
from app.core.validation import in_range, not_blank


@dataclass(frozen=True)
class CoachingTemplate:
    type: RecommendationType
    title: str
    description: str
    priority: int

    def check(self, at: str) -> None:
        """The same checks as addCoachingRecommendation's, named under ``at``."""
        not_blank(f"{at}.title", self.title, max_length=500)
        not_blank(f"{at}.description", self.description, max_length=MAX_TEXT_LENGTH)
        in_range(f"{at}.priority", self.priority, *PRIORITY)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "title": self.title,
            "description": self.description,
            "priority": self.priority,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CoachingTemplate":
        return cls(RecommendationType(data["type"]), data["title"], data["description"], data["priority"])
