"""What a clock's firing asks its condition: does it still hold, and in which words."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.calls.events import Transaction
from app.calls.models import LiveCall
from app.core.sqltypes import utcnow
from app.rules.deadlines.models import RuleDeadline
from app.rules.ruleset import ActiveRule


@dataclass(frozen=True)
class Firing:
    reason: str
    matched: str | None


DueCheck = Callable[[Transaction, LiveCall, ActiveRule, RuleDeadline], Awaitable[Firing | None]]
"""The condition's re-check when its clock comes due, under the call's lock: the alert's
words if it still holds (still ON_HOLD, phrase still not said), else ``None``."""


def held_for(row: RuleDeadline) -> str:
    """How long the condition has held, as the alert's ``matched`` value."""
    now = utcnow()
    return f"{(now - (row.since or now)).total_seconds():.1f} s"
