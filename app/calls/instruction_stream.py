"""The pipeline's instruction stream: a call's log, filtered to the instructions sent.

It is ``streams.follow_call`` and nothing else, so it replays, resumes with
``afterSequence`` (the call's event sequence) and completes after CALL_ENDED the same
way: nothing missed, nothing twice, in order.
"""

from collections.abc import AsyncIterator
from contextlib import aclosing

from app.calls.enums import EventType
from app.calls.events import Event
from app.calls.streams import follow_call
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import Scope


async def follow_instructions(
    db: Database, pubsub: PubSub, call_id: str, *, scope: Scope, after_sequence: int | None = None
) -> AsyncIterator[Event]:
    """Every INSTRUCTION_SENT event of the call after ``after_sequence`` (or from now)."""
    events = follow_call(db, pubsub, call_id, scope=scope, after_sequence=after_sequence)
    async with aclosing(events):  # type: ignore[type-var]
        async for event in events:
            if event.type is EventType.INSTRUCTION_SENT:
                yield event
