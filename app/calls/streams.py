"""Subscriptions' logic: replay from the log, then follow pub/sub without gaps or repeats.

The subscription to the feed opens before the call's last sequence is read,
so any event committed after that read arrives on the feed; events seen on
both sides are dropped by sequence, and a jump in sequence is refilled from
the log.
"""

from collections.abc import AsyncIterator, Awaitable, Collection
from dataclasses import dataclass
from functools import partial
from typing import Literal, Protocol

from sqlmodel import SQLModel

from app.calls.call_state import CallState, read_call_state
from app.calls.enums import CallStatus, EventType
from app.calls.errors import call_not_found
from app.calls.events import BOARD_CHANNEL, CallLog, Event, call_channel, replay
from app.core.db import Database
from app.core.errors import InvalidInput, ServiceError
from app.core.pubsub import FeedClosed, PubSub, SubscriberOverflow, Subscription
from app.core.scope import Scope


class SlowConsumer(ServiceError):
    """The subscriber could not keep up; it may resume from ``lastSequence``."""

    code = "SLOW_CONSUMER"


class ShuttingDown(ServiceError):
    """The server is shutting down; the client subscribes again (to another instance)."""

    code = "SHUTTING_DOWN"


def cut_off(
    reason: Literal["overflow", "closed"],
    *,
    buffer: int,
    last: int | None = None,
    behind: str = "events",
    who: str = "subscriber",
) -> ServiceError:
    """The client-facing end of a stream whose feed let it go: it fell more than ``buffer``
    messages behind (SLOW_CONSUMER), or the server stops (SHUTTING_DOWN). A resumable
    stream names ``last`` (``lastSequence``), the cursor to subscribe again from."""
    again = "" if last is None else f" with afterSequence: {last}"
    details = {} if last is None else {"lastSequence": last}
    if reason == "overflow":
        return SlowConsumer(f"{who} fell more than {buffer} {behind} behind; resubscribe{again}", **details)
    return ShuttingDown(f"the server is shutting down; subscribe again{again}", **details)


async def next_message(
    feed: Subscription, *, last: int | None = None, behind: str = "events", who: str = "subscriber"
) -> str | None:
    """``feed.get()``, with the feed's end as ``cut_off``'s error."""
    try:
        return await feed.get()
    except SubscriberOverflow as error:
        raise cut_off("overflow", buffer=feed.buffer, last=last, behind=behind, who=who) from error
    except FeedClosed as error:
        raise cut_off("closed", buffer=feed.buffer, last=last) from error


@dataclass(frozen=True)
class Detached:
    """Why a relay let a subscriber go, and the last event it had."""

    reason: Literal["ended", "overflow", "closed"]
    last: int


class Handover(Protocol):
    """Take over a caught-up subscriber (it holds every event up to ``last``): the wait for its
    end, or ``None`` if not taken (it goes on reading on its own)."""

    async def __call__(self, call: CallLog, last: int) -> Awaitable[Detached] | None: ...


class _Subscribed:
    """``pubsub.subscribe``, with the end of the feed at shutdown as a client-facing error.

    A class, not an ``asynccontextmanager``, for the same reason as ``Subscribed``: an idle
    subscription would hold its generator and frame.
    """

    __slots__ = ("_buffer", "_subscribed")

    def __init__(self, pubsub: PubSub, channel: str, *, coalesce: bool = False) -> None:
        self._subscribed = pubsub.subscribe(channel, coalesce=coalesce)
        self._buffer = pubsub.buffer

    async def __aenter__(self) -> Subscription:
        try:
            return await self._subscribed.__aenter__()
        except FeedClosed as error:
            raise cut_off("closed", buffer=self._buffer) from error

    async def __aexit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        await self._subscribed.__aexit__(kind, error, traceback)
        if isinstance(error, FeedClosed):
            raise cut_off("closed", buffer=self._buffer) from error


_subscribed = _Subscribed
subscribed = _Subscribed
"""For the streams of the features built on calls (``app.rules.streams``)."""


async def _load_call(
    db: Database, call_id: str, scope: Scope, records: Collection[type[SQLModel]] = ()
) -> CallState:
    state = await db.read_rows(partial(read_call_state, call_id=call_id, scope=scope, records=records))
    if state is None:
        raise call_not_found(call_id)
    return state


async def _from_log(db: Database, call: CallLog, *, after: int, until: int | None = None) -> list[Event]:
    events: list[Event] = []
    while True:
        async with db.read() as session:
            page = await replay(session, call, after=after, until=until)
        events.extend(page)
        if len(page) < 500:
            return events
        after = page[-1].seq


async def follow_call(
    db: Database,
    pubsub: PubSub,
    call_id: str,
    *,
    scope: Scope,
    after_sequence: int | None = None,
    handover: Handover | None = None,
) -> AsyncIterator[Event]:
    """Every event of a call after ``after_sequence`` (or from now), in order, once each.

    Completes after the call's CALL_ENDED event. Once caught up, a ``handover``
    may take the rest of the stream over (``app.calls.relay``): this generator
    then only waits for how it ended, ending or raising as it would itself.
    """
    if after_sequence is not None and after_sequence < 0:
        raise InvalidInput("afterSequence", "must not be negative")
    async with _subscribed(pubsub, call_channel(call_id)) as feed:
        row = (await _load_call(db, call_id, scope)).call
        call, latest, ended = CallLog.of(row), row.last_sequence, row.status == CallStatus.ENDED.value
        del row
        if after_sequence is not None and after_sequence > latest:
            raise InvalidInput("afterSequence", f"is ahead of the call's last sequence {latest}")
        last = latest if after_sequence is None else after_sequence
        if after_sequence is None and ended:
            return
        pending = await _from_log(db, call, after=last)
        while True:
            for event in pending:
                if event.seq <= last:
                    continue
                yield event
                last = event.seq
                if event.type is EventType.CALL_ENDED:
                    return
            pending = []
            if handover is not None and feed.idle:
                taken = await handover(call, last)
                if taken is not None:
                    feed.hand_over()
                    detached = await taken
                    if detached.reason == "ended":
                        return
                    raise cut_off(detached.reason, buffer=pubsub.buffer, last=detached.last)
            message = await next_message(feed, last=last)
            if message is None:
                pending = await _from_log(db, call, after=last)
                continue
            event = Event.from_json(message)
            if event.seq > last + 1:
                pending = [*await _from_log(db, call, after=last, until=event.seq - 1), event]
            else:
                pending = [event]


async def watch_call(
    db: Database,
    pubsub: PubSub,
    call_id: str,
    *,
    scope: Scope,
    records: Collection[type[SQLModel]] = (),
) -> AsyncIterator[CallState]:
    """The call's row (with ``records``, read in the same snapshot) now and after each change;
    a burst of changes yields once.

    One mutation may record several events (a line and the sentiment it moved), each
    its own message: a row is yielded only when its ``last_sequence`` moved past the one
    yielded before, so messages for events already in it are dropped, never sent twice.
    """
    async with _subscribed(pubsub, call_channel(call_id), coalesce=True) as feed:
        state = await _load_call(db, call_id, scope, records)
        shown = state.call.last_sequence
        yield state
        while state.call.status != CallStatus.ENDED.value:
            messages = [await feed.get(), *feed.drain()]
            seen = [Event.from_json(message).seq for message in messages if message is not None]
            if len(seen) == len(messages) and max(seen) <= shown:
                continue  # no reload: every message is of an event already shown
            state = await _load_call(db, call_id, scope, records)
            if state.call.last_sequence <= shown:
                continue
            shown = state.call.last_sequence
            yield state


async def follow_board(pubsub: PubSub, *, scope: Scope) -> AsyncIterator[Event]:
    """Calls started, changing status and ending, across the calls in ``scope``, from now on."""
    async with _subscribed(pubsub, BOARD_CHANNEL) as feed:
        while True:
            message = await next_message(feed, who="board subscriber")
            if message is not None:
                event = Event.from_json(message)
                if scope.sees(event.payload["call"].get("campaign_id")):
                    yield event
