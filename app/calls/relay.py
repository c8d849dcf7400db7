"""One reader per call channel, handing each event in order to every sink that joined it.

A thousand screens following one call would each wake for every event, check
its sequence and pass it on. Once a screen has caught up (``follow_call``'s
handover), it can leave that to the call's relay: one task per channel per
process reads the feed, puts events in sequence order (refilling gaps, and
whatever a full buffer made it skip, from the log, as ``follow_call`` does)
and awaits ``sink.deliver(event)`` for each sink. A sink is whatever the
transport groups screens by; the relay knows nothing of sockets.

The invariant that makes a join safe: the relay's ``last`` is the newest event
it has begun passing on, and every later event is passed, in order, to every
sink present when its turn begins. So a sink may join only if it holds every
event up to the relay's ``last`` (its own ``last`` at least the relay's), and
the check and the join happen with no ``await`` between them. A relay that read
an event from the log (its first read, a refill) can be ahead of the pub/sub
feed a screen has been reading; a sink that joined behind it, even while that
event was still being passed on, would miss it. Refused, the screen goes on
reading on its own (the event reaches its feed) and tries again the next time
it has caught up. A sink that joins ahead of the relay is handed events it
already holds until the relay catches up with it: it drops them by sequence.
A relay that stops before it has subscribed lets whoever waits to join go on on
their own, never waiting for it.
"""

import asyncio
import logging
from collections.abc import Hashable
from contextlib import suppress
from typing import Protocol

from app.calls.enums import EventType
from app.calls.events import CallLog, Event, call_channel, replay
from app.core.db import Database
from app.core.pubsub import FeedClosed, PubSub

log = logging.getLogger(__name__)


class Sink(Protocol):
    """What joins a relay: it takes each event after the ones it holds (dropping, by sequence,
    any it already holds), and learns the end."""

    async def deliver(self, event: Event) -> None: ...

    def ended(self, *, shutting_down: bool) -> None:
        """The stream is over: the call ended (after its CALL_ENDED was delivered) or the server stops."""

    def __len__(self) -> int: ...


class CallRelay:
    def __init__(self, relays: "CallRelays", call: CallLog, last: int) -> None:
        self.relays = relays
        self.call = call
        self.last = last
        self.sinks: dict[Hashable, Sink] = {}
        self.abandoned = False  # its last sink left while it passed an event on
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self._run(), name=f"relay {call.call_id}")
        self.task.add_done_callback(self._stopped)

    async def _run(self) -> None:
        shutting_down = False
        try:
            channel = call_channel(self.call.call_id)
            async with self.relays.pubsub.subscribe(channel, coalesce=True, counted=False) as feed:
                self.ready.set_result(None)
                # An event committed while the screen handed over, before this feed was
                # subscribed, is in the log only: read it (the screen joins meanwhile).
                message: str | None = None
                while True:
                    for event in await self._in_order(message):
                        await self._deliver(event)
                        if event.type is EventType.CALL_ENDED or self.abandoned:
                            return
                    message = await feed.get()
        except FeedClosed:
            shutting_down = True
        except Exception as error:
            if not self.ready.done():
                self.ready.set_exception(error)
                return
            log.exception("relay of call %s failed; its screens resubscribe", self.call.call_id)
            shutting_down = True
        finally:
            self.relays.forget(self)
            for sink in list(self.sinks.values()):
                sink.ended(shutting_down=shutting_down)
            self.sinks.clear()

    async def _in_order(self, message: str | None) -> list[Event]:
        if message is None:
            return await self._from_log(until=None)
        event = Event.from_json(message)
        if event.seq <= self.last:
            return []
        if event.seq > self.last + 1:
            return [*await self._from_log(until=event.seq - 1), event]
        return [event]

    async def _from_log(self, *, until: int | None) -> list[Event]:
        events: list[Event] = []
        after = self.last
        while True:
            async with self.relays.db.read() as session:
                page = await replay(session, self.call, after=after, until=until)
            events.extend(page)
            if len(page) < 500:
                return events
            after = page[-1].seq

    async def _deliver(self, event: Event) -> None:
        self.last = event.seq  # first: a sink may join while another one awaits this event
        for sink in list(self.sinks.values()):
            await sink.deliver(event)

    def _stopped(self, task: "asyncio.Task[None]") -> None:
        # Cancelled before it subscribed (even before it ran): the sinks waiting to join
        # see it done and go on on their own.
        if not self.ready.done():
            self.ready.set_result(None)

    def leave(self, key: Hashable) -> None:
        """A sink with nobody left in it goes; a relay with no sink stops."""
        self.sinks.pop(key, None)
        if not self.sinks and not self.task.done():
            self.relays.forget(self)
            if asyncio.current_task() is self.task:  # the relay ends on its own, after this event
                self.abandoned = True
            else:
                self.task.cancel()


class CallRelays:
    """The process's relays, one per call that has any sink."""

    def __init__(self, db: Database, pubsub: PubSub) -> None:
        self.db = db
        self.pubsub = pubsub
        self._relays: dict[str, CallRelay] = {}

    def __len__(self) -> int:
        return len(self._relays)

    async def relay(self, call: CallLog, last: int) -> CallRelay | None:
        """The call's relay, started at ``last`` if there is none; ``None`` if it is past ``last``."""
        relay = self._relays.get(call.call_id)
        if relay is None:
            relay = self._relays[call.call_id] = CallRelay(self, call, last)
        try:
            await asyncio.shield(relay.ready)
        except BaseException:
            if not relay.sinks:  # cancelled before it could join: nobody else may ever
                relay.leave(None)
            raise
        if relay.last > last or relay.task.done():
            if not relay.sinks:
                relay.leave(None)
            return None
        return relay

    def forget(self, relay: CallRelay) -> None:
        if self._relays.get(relay.call.call_id) is relay:
            del self._relays[relay.call.call_id]

    async def close(self) -> None:
        for relay in list(self._relays.values()):
            relay.task.cancel()
            with suppress(asyncio.CancelledError):
                await relay.task
