"""DataLoaders for LiveCall's nested records: one statement per relation per request.

A set of loaders caches what it loaded, so it lives for one HTTP request, or
one event of a subscription (a WebSocket connection outlives any cache).
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.calls import reads
from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    LivePerformanceMetrics,
    LiveTranscript,
    SentimentAnalysis,
    SupervisorAction,
)
from app.core.db import Database

Key = TypeVar("Key")
Value = TypeVar("Value")

TranscriptKey = tuple[int, int, int | None]
"""(live call id, first, after)"""


class Loaders:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.objectives = self._many(
            lambda session, ids: reads.ordered_by_call(session, CallObjective, ids), default=list
        )
        self.phases = self._many(
            lambda session, ids: reads.ordered_by_call(session, CallPhase, ids), default=list
        )
        self.supervisor_actions = self._many(
            lambda session, ids: reads.ordered_by_call(session, SupervisorAction, ids), default=list
        )
        self.metrics = self._many(
            lambda session, ids: reads.one_by_call(session, LivePerformanceMetrics, ids)
        )
        self.sentiment = self._many(lambda session, ids: reads.one_by_call(session, SentimentAnalysis, ids))
        self.system_config = self._many(
            lambda session, ids: reads.one_by_call(session, CallSystemConfig, ids)
        )
        self.recommendations = self._many(
            lambda session, ids: reads.recommendations_by_call(session, ids, active_only=False),
            default=list,
        )
        self.active_recommendations = self._many(
            lambda session, ids: reads.recommendations_by_call(session, ids, active_only=True),
            default=list,
        )
        self.transcripts: DataLoader[TranscriptKey, list[LiveTranscript]] = DataLoader(
            load_fn=self._load_transcripts
        )

    def _many(
        self,
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[dict[int, Value]]],
        default: Callable[[], Value] | None = None,
    ) -> DataLoader[int, Value | None]:
        async def load(ids: list[int]) -> list[Value | None]:
            async with self._db.read() as session:
                found = await fetch(session, ids)
            return [found[key] if key in found else (default() if default else None) for key in ids]

        return DataLoader(load_fn=load)

    async def _load_transcripts(self, keys: list[TranscriptKey]) -> list[list[LiveTranscript]]:
        """Keys sharing (first, after) are fetched together: a board asks the same of every call."""
        found: dict[TranscriptKey, list[LiveTranscript]] = {}
        windows = {(first, after) for _, first, after in keys}
        async with self._db.read() as session:
            for first, after in windows:
                ids = [call for call, f, a in keys if (f, a) == (first, after)]
                rows = await reads.transcripts_by_call(session, ids, first=first, after=after)
                for call in ids:
                    found[(call, first, after)] = rows.get(call, [])
        return [found[key] for key in keys]


def loaded(value: Value | None) -> Value:
    """Unwrap a one-per-call record that startLiveCall always seeds."""
    if value is None:
        raise LookupError("record missing for a live call")
    return value
