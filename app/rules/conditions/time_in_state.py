"""TIME_IN_STATE: ON_HOLD, in a phase (one, or any), or SILENCE (no final line while CONNECTED)
for longer than ``seconds``."""

from dataclasses import dataclass
from typing import Any, ClassVar

from app.core.errors import InvalidInput
from app.rules.conditions.base import check_phase, check_seconds
from app.rules.enums import ConditionKind, RuleState


@dataclass(frozen=True)
class TimeInState:
    kind: ClassVar[ConditionKind] = ConditionKind.TIME_IN_STATE
    key: ClassVar[str] = "timeInState"

    state: RuleState
    seconds: float
    phase: str | None = None

    def check(self, at: str) -> None:
        check_seconds(f"{at}.seconds", self.seconds)
        if self.phase is not None and self.state is not RuleState.PHASE:
            raise InvalidInput(f"{at}.phase", "is only for state PHASE")
        check_phase(f"{at}.phase", self.phase)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "seconds": self.seconds, "phase": self.phase}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TimeInState":
        return cls(state=RuleState(data["state"]), seconds=data["seconds"], phase=data.get("phase"))
