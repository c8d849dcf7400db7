"""A handler: the event types it reads and what it does with one of them."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.models import LiveCall

if TYPE_CHECKING:  # evaluate.py imports the handlers; the handlers take its Evaluation
    from app.rules.evaluate import Evaluation


@dataclass(frozen=True)
class Handler:
    events: frozenset[EventType]
    handle: Callable[["Evaluation", LiveCall, Event], Awaitable[None]]


def is_final_line(event: Event) -> bool:
    """TRANSCRIPT_ADDED or TRANSCRIPT_UPDATED of a final line: a final line is never replaced,
    so either event means the line just became final."""
    return event.type in (EventType.TRANSCRIPT_ADDED, EventType.TRANSCRIPT_UPDATED) and bool(
        event.payload["transcript"]["is_final"]
    )
