"""DataLoaders for LiveCall's nested records: one statement per relation per request.

A set of loaders caches what it loaded, so it lives for one HTTP request, or
one event of a subscription (a WebSocket connection outlives any cache).
"""

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property, partial
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.calls import instruction_reads, reads
from app.calls.call_state import CallState
from app.calls.instruction_models import AgentInstruction, CallParticipant
from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    CoachingRecommendation,
    LivePerformanceMetrics,
    SentimentAnalysis,
    SupervisorAction,
)
from app.calls.reads import TranscriptRow
from app.core.db import Database
from app.rules import reads as alert_reads
from app.rules.enums import AlertStatus
from app.rules.models import Alert

Key = TypeVar("Key")
Value = TypeVar("Value")

TranscriptKey = tuple[int, int, int | None]
"""(live call id, first, after)"""
AlertsKey = tuple[int, AlertStatus | None]
"""(live call id, status)"""


class Loaders:
    """One set per request or subscription event; each loader is made on first use.

    Most subscription events (a transcript line, a sentiment move) read nothing,
    and a WebSocket connection holds a set for its whole life: built eagerly,
    nine DataLoaders with their closures and caches cost every idle
    subscription about 200 objects the garbage collector keeps walking.

    The loaders' functions hold the database, never the set: a set whose loaders point back
    at it is a reference cycle, freed only by a garbage collection, with every row its
    loaders cached (under benchmark 10, a third of the server's cyclic garbage).
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def objectives(self) -> DataLoader[int, list[CallObjective] | None]:
        return self._many(
            lambda session, ids: reads.ordered_by_call(session, CallObjective, ids), default=list
        )

    @cached_property
    def phases(self) -> DataLoader[int, list[CallPhase] | None]:
        return self._many(lambda session, ids: reads.ordered_by_call(session, CallPhase, ids), default=list)

    @cached_property
    def supervisor_actions(self) -> DataLoader[int, list[SupervisorAction] | None]:
        return self._many(
            lambda session, ids: reads.ordered_by_call(session, SupervisorAction, ids), default=list
        )

    @cached_property
    def metrics(self) -> DataLoader[int, LivePerformanceMetrics | None]:
        return self._many(lambda session, ids: reads.one_by_call(session, LivePerformanceMetrics, ids))

    @cached_property
    def sentiment(self) -> DataLoader[int, SentimentAnalysis | None]:
        return self._many(lambda session, ids: reads.one_by_call(session, SentimentAnalysis, ids))

    @cached_property
    def system_config(self) -> DataLoader[int, CallSystemConfig | None]:
        return self._many(lambda session, ids: reads.one_by_call(session, CallSystemConfig, ids))

    @cached_property
    def recommendations(self) -> DataLoader[int, list[CoachingRecommendation] | None]:
        return self._many(
            lambda session, ids: reads.recommendations_by_call(session, ids, active_only=False),
            default=list,
        )

    @cached_property
    def active_recommendations(self) -> DataLoader[int, list[CoachingRecommendation] | None]:
        return self._many(
            lambda session, ids: reads.recommendations_by_call(session, ids, active_only=True),
            default=list,
        )

    @cached_property
    def instructions(self) -> DataLoader[int, list[AgentInstruction] | None]:
        return self._many(
            lambda session, ids: instruction_reads.by_call(session, AgentInstruction, ids), default=list
        )

    @cached_property
    def participants(self) -> DataLoader[int, list[CallParticipant] | None]:
        return self._many(
            lambda session, ids: instruction_reads.by_call(session, CallParticipant, ids), default=list
        )

    @cached_property
    def transcripts(self) -> DataLoader[TranscriptKey, list[TranscriptRow]]:
        return DataLoader(load_fn=partial(_load_transcripts, self._db))

    @cached_property
    def alerts(self) -> DataLoader[AlertsKey, list[Alert]]:
        return DataLoader(load_fn=partial(_load_alerts, self._db))

    def prime(self, state: CallState) -> None:
        """Seed the loaders with the records read with the call, so showing them reads nothing."""
        assert state.call.id is not None
        by_model: dict[type, DataLoader[int, Any]] = {
            SentimentAnalysis: self.sentiment,
            LivePerformanceMetrics: self.metrics,
            CallSystemConfig: self.system_config,
            CallPhase: self.phases,
            CallObjective: self.objectives,
            SupervisorAction: self.supervisor_actions,
        }
        for model, value in state.records.items():
            by_model[model].prime(state.call.id, value)

    def _many(
        self,
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[dict[int, Value]]],
        default: Callable[[], Value] | None = None,
    ) -> DataLoader[int, Value | None]:
        return DataLoader(load_fn=partial(_load_many, self._db, fetch, default))


async def _load_many(
    db: Database,
    fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[dict[int, Value]]],
    default: Callable[[], Value] | None,
    ids: list[int],
) -> list[Value | None]:
    async with db.read() as session:
        found = await fetch(session, ids)
    return [found[key] if key in found else (default() if default else None) for key in ids]


async def _load_alerts(db: Database, keys: list[AlertsKey]) -> list[list[Alert]]:
    """One statement per status asked for (a board asks the same of every call)."""
    found: dict[AlertsKey, list[Alert]] = {}
    async with db.read() as session:
        for status in {status for _, status in keys}:
            ids = [call for call, s in keys if s == status]
            rows = await alert_reads.alerts_by_call(session, ids, status=status)
            for call in ids:
                found[(call, status)] = rows.get(call, [])
    return [found[key] for key in keys]


async def _load_transcripts(db: Database, keys: list[TranscriptKey]) -> list[list[TranscriptRow]]:
    """Keys sharing (first, after) are fetched together: a board asks the same of every call."""
    found: dict[TranscriptKey, list[TranscriptRow]] = {}
    windows = {(first, after) for _, first, after in keys}
    async with db.read() as session:
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
