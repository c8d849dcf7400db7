"""PHRASES_NOT_SAID: none of the phrases said by the speaker by a deadline.

The deadline is ``within_seconds`` of the call becoming CONNECTED, or the end of the phase
``before_phase_ends``; exactly one is given.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from app.rules.conditions.base import check_phase, check_phrases, check_seconds, exactly_one
from app.rules.enums import ConditionKind, RuleSpeaker


@dataclass(frozen=True)
class PhrasesNotSaid:
    kind: ClassVar[ConditionKind] = ConditionKind.PHRASES_NOT_SAID
    key: ClassVar[str] = "phrasesNotSaid"

    phrases: tuple[str, ...]
    speaker: RuleSpeaker = RuleSpeaker.AGENT
    within_seconds: float | None = None
    before_phase_ends: str | None = None

    def check(self, at: str) -> None:
        check_phrases(at, self.phrases)
        exactly_one(at, withinSeconds=self.within_seconds, beforePhaseEnds=self.before_phase_ends)
        check_seconds(f"{at}.withinSeconds", self.within_seconds)
        check_phase(f"{at}.beforePhaseEnds", self.before_phase_ends)

    def to_json(self) -> dict[str, Any]:
        return {
            "phrases": list(self.phrases),
            "speaker": self.speaker.value,
            "within_seconds": self.within_seconds,
            "before_phase_ends": self.before_phase_ends,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PhrasesNotSaid":
        return cls(
            phrases=tuple(data["phrases"]),
            speaker=RuleSpeaker(data["speaker"]),
            within_seconds=data.get("within_seconds"),
            before_phase_ends=data.get("before_phase_ends"),
        )
