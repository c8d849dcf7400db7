"""PHRASES_SAID: one of the phrases, said by the speaker, on a final line."""

from dataclasses import dataclass
from typing import Any, ClassVar

from app.rules.conditions.base import check_phrases
from app.rules.enums import ConditionKind, RuleSpeaker


@dataclass(frozen=True)
class PhrasesSaid:
    kind: ClassVar[ConditionKind] = ConditionKind.PHRASES_SAID
    key: ClassVar[str] = "phrasesSaid"

    phrases: tuple[str, ...]
    speaker: RuleSpeaker = RuleSpeaker.EITHER

    def check(self, at: str) -> None:
        check_phrases(at, self.phrases)

    def to_json(self) -> dict[str, Any]:
        return {"phrases": list(self.phrases), "speaker": self.speaker.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PhrasesSaid":
        return cls(phrases=tuple(data["phrases"]), speaker=RuleSpeaker(data["speaker"]))
