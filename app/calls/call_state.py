"""A call's row and the records shown with it, read together in one snapshot.

A ``liveCall`` screen reloads the call after every change; read through the ORM, the
row and each nested record it shows are a session apiece. Written over a ``Store``,
``Database.read_rows`` runs the whole read in one hop on SQLite and over one session
elsewhere, so the screen's state costs one round trip however many records it shows.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

from app.calls.models import (
    CallObjective,
    CallPhase,
    CallSystemConfig,
    LiveCall,
    LivePerformanceMetrics,
    SentimentAnalysis,
    SupervisorAction,
)
from app.core.scope import Scope
from app.core.store import Store

ONE_PER_CALL: tuple[type[SQLModel], ...] = (SentimentAnalysis, LivePerformanceMetrics, CallSystemConfig)
BY_ORDER: tuple[type[SQLModel], ...] = (CallPhase, CallObjective, SupervisorAction)
RECORDS = frozenset((*ONE_PER_CALL, *BY_ORDER))


@dataclass(frozen=True)
class CallState:
    call: LiveCall
    records: dict[type[SQLModel], Any] = field(default_factory=dict)
    """Each model read with the call: its row (or ``None``) for one per call, else its rows by order."""


async def read_call_state(
    store: Store, call_id: str, *, scope: Scope, records: Collection[type[SQLModel]] = ()
) -> CallState | None:
    """The call with ``records`` (models of ``RECORDS``), or ``None`` when there is none or
    it is another campaign's."""
    call = await store.one(LiveCall, call_id=call_id)
    if call is None or not scope.sees(call.campaign_id):
        return None
    found: dict[type[SQLModel], Any] = {}
    for model in records:
        if model in ONE_PER_CALL:
            found[model] = await store.one(model, live_call_id=call.id)
        elif model in BY_ORDER:
            found[model] = await store.all(model, order_by="order", live_call_id=call.id)
        else:
            raise ValueError(f"{model.__name__} is not read with a call")
    return CallState(call, found)
