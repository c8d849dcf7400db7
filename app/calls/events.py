"""The event log: appended inside each mutation's transaction, published after commit.

Subscribers replay from the log and follow pub/sub; pub/sub is only a doorbell,
the log is the record. A lost message costs latency, never data.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.adapters.sqlalchemy import validated
from app.calls.enums import ALERT_EVENTS, EventType
from app.calls.hooks import CallHooks
from app.calls.models import CallEvent, LiveCall
from app.core import json_text
from app.core.pubsub import PubSub
from app.core.scope import Scope
from app.core.sqltypes import utcnow
from app.core.store import Store

log = logging.getLogger(__name__)

BOARD_CHANNEL = "board"
BOARD_EVENTS = frozenset(
    {EventType.CALL_STARTED, EventType.STATUS_CHANGED, EventType.CALL_ENDED, *ALERT_EVENTS}
)
ALERTS_CHANNEL = "alerts"
"""The alerts stream's doorbell (``app.rules.streams``): every ALERT_* event of every call."""


def call_channel(call_id: str) -> str:
    return f"call:{call_id}"


Row = TypeVar("Row", bound=SQLModel)


def snapshot(row: SQLModel) -> dict[str, Any]:
    """A JSON-ready copy of a row as it is now, for the event's payload."""
    return row.model_dump(mode="json")


def restored(model: type[Row], data: dict[str, Any]) -> Row:
    """The row a ``snapshot`` was taken of, to read (``model_validate``, minus the ORM's
    bookkeeping for a row no session will see): every screen's event is made from these."""
    return validated(model, data)


@dataclass(frozen=True)
class Event:
    """One entry of a call's log, as stored and as published."""

    call_id: str
    seq: int
    type: EventType
    payload: dict[str, Any]
    created_at: datetime

    def to_json(self) -> str:
        return json_text.dumps(
            {
                "callId": self.call_id,
                "seq": self.seq,
                "type": self.type.value,
                "payload": self.payload,
                "createdAt": self.created_at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, message: str) -> "Event":
        """The event in a published message; every subscriber of a channel shares one parse."""
        return _parsed(message)

    @classmethod
    def _parse(cls, message: str) -> "Event":
        data = json_text.loads(message)
        return cls(
            call_id=data["callId"],
            seq=data["seq"],
            type=EventType(data["type"]),
            payload=data["payload"],
            created_at=datetime.fromisoformat(data["createdAt"]),
        )

    @classmethod
    def from_row(cls, call_id: str, row: CallEvent) -> "Event":
        return cls(
            call_id=call_id,
            seq=row.seq,
            type=EventType(row.type),
            payload=row.payload,
            created_at=row.created_at,
        )


@dataclass
class Transaction:
    """One mutation's store, the caller's scope, the app's call hooks, and the events it will
    publish once committed."""

    store: Store
    scope: Scope
    hooks: CallHooks
    actor: str | None = None
    """Who writes: the token's subject (``None`` with authentication off)."""
    events: list[Event] = field(default_factory=list)
    calls: dict[str, LiveCall] = field(default_factory=dict)
    """The locked row of each call an event was recorded on, by callId (for the rules)."""

    def record(self, call: LiveCall, kind: EventType, payload: dict[str, Any]) -> Event:
        """Append the next event of ``call``; the caller holds the call's row lock."""
        assert call.id is not None
        event = next_event(call, kind, payload)
        self.store.add(
            CallEvent,
            live_call_id=call.id,
            seq=event.seq,
            type=kind.value,
            payload=payload,
            created_at=event.created_at,
        )
        self.events.append(event)
        self.calls[call.call_id] = call
        return event


def next_event(call: LiveCall, kind: EventType, payload: dict[str, Any]) -> Event:
    """The call's next event; moves ``last_sequence`` on (the caller stores it)."""
    call.last_sequence += 1
    return Event(call.call_id, call.last_sequence, kind, payload, utcnow())


async def publish(pubsub: PubSub, events: Sequence[Event]) -> None:
    for event in events:
        try:
            message = event.to_json()
            await pubsub.publish(call_channel(event.call_id), message)
            if event.type in BOARD_EVENTS:
                await pubsub.publish(BOARD_CHANNEL, message)
            if event.type in ALERT_EVENTS:
                await pubsub.publish(ALERTS_CHANNEL, message)
        except Exception:
            # Committed is committed: subscribers refill from the log.
            log.exception("publishing event %s#%d failed", event.call_id, event.seq)


@dataclass(frozen=True, slots=True)
class CallLog:
    """Which call's log to read: a long subscription keeps this, not the call's row."""

    id: int
    call_id: str

    @classmethod
    def of(cls, call: LiveCall) -> "CallLog":
        assert call.id is not None
        return cls(call.id, call.call_id)


async def replay(
    session: AsyncSession, call: LiveCall | CallLog, *, after: int, until: int | None = None, limit: int = 500
) -> list[Event]:
    """Logged events of ``call`` with ``after < seq [<= until]``, in order."""
    query = (
        select(CallEvent)
        .where(CallEvent.live_call_id == call.id, col(CallEvent.seq) > after)
        .order_by(col(CallEvent.seq))
        .limit(limit)
    )
    if until is not None:
        query = query.where(col(CallEvent.seq) <= until)
    rows = (await session.exec(query)).all()
    return [_interned(Event.from_row(call.call_id, row)) for row in rows]


@lru_cache(maxsize=256)
def _parsed(message: str) -> Event:
    return _interned(Event._parse(message))


_recent: dict[tuple[str, int], Event] = {}


def _interned(event: Event) -> Event:
    """An equal event already in memory, if there is one recent enough.

    Screens that subscribe with ``afterSequence`` each replay the call's log; the
    equal events they read stay in memory as one object (a call id may repeat
    across databases in one process, hence the equality check).
    """
    key = (event.call_id, event.seq)
    known = _recent.get(key)
    if known is not None and known == event:
        return known
    if len(_recent) >= 4_096:
        del _recent[next(iter(_recent))]
    _recent[key] = event
    return event
