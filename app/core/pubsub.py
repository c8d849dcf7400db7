"""Pub/sub: one broadcaster subscription per channel per process, fanned out in-process.

broadcaster gives every subscriber an unbounded queue and races when two
coroutines open the first subscription to a channel at once (PITFALLS.md).
Here each channel has a single pump task reading broadcaster and copying into
bounded per-subscriber buffers; a subscriber that falls ``buffer`` messages
behind is cut off (``SubscriberOverflow``) instead of holding memory forever.
Messages are opaque strings; a ``None`` delivered to a subscriber means "the
feed may have lost something": readers refill from the event log.
"""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress

from app.core.broker import Broker

log = logging.getLogger(__name__)

RESYNC = None


class SubscriberOverflow(Exception):
    """The subscriber fell too far behind the feed and was dropped."""


class FeedClosed(Exception):
    """The process is shutting down: the subscriber should resume elsewhere (app.ops.shutdown)."""


class Subscription:
    """A bounded buffer of one channel's messages for one reader.

    A list and a future made only while the reader waits: ten thousand idle
    screens each hold one of these, and an ``asyncio.Queue`` (or even an empty
    deque, a 700-byte block) costs several times as much. Slots, not a dict.
    """

    __slots__ = (
        "_items",
        "_waiter",
        "buffer",
        "channel",
        "closed",
        "coalesce",
        "counted",
        "detach",
        "overflowed",
        "relayed",
    )

    def __init__(self, channel: str, buffer: int, *, coalesce: bool = False, counted: bool = True) -> None:
        self.channel = channel
        self.buffer = buffer
        self.coalesce = coalesce
        self.counted = counted
        self.overflowed = False
        self.closed = False
        self.relayed = False
        self.detach: Callable[[Subscription], None] | None = None
        self._items: list[str | None] = []
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, message: str | None) -> None:
        if self.overflowed or self.relayed:
            return
        if len(self._items) < self.buffer:
            self._items.append(message)
        else:
            self._items.clear()
            if self.coalesce:
                # A reader that reloads state on any message needs only "something changed".
                self._items.append(RESYNC)
            else:
                # Let go of everything now, even if the reader is stuck on a dead socket:
                # it resumes from the event log, so the buffer holds nothing it needs.
                self.overflowed = True
                if self.detach is not None:
                    self.detach(self)
        self._wake()

    async def get(self) -> str | None:
        """The next message, or ``None`` when the feed may have skipped some."""
        while not self._items and not self.closed and not self.overflowed:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.overflowed:
            raise SubscriberOverflow
        if self.closed:
            raise FeedClosed
        return self._items.pop(0)

    def close(self) -> None:
        """Shutting down: the reader's next ``get`` (or the one it waits in) raises ``FeedClosed``."""
        self.closed = True
        self._items.clear()
        self._wake()

    @property
    def idle(self) -> bool:
        """Nothing buffered, nothing wrong: the reader has had every message offered so far."""
        return not self._items and not self.closed and not self.overflowed

    def hand_over(self) -> None:
        """Take no more messages: a relay reads the channel for this reader now. It stays
        subscribed, so it still counts as an open stream (metrics, the shutdown's drain) and
        still hears of the shutdown."""
        self.relayed = True
        self._items.clear()

    def drain(self) -> list[str | None]:
        """Everything already buffered, without waiting."""
        items = list(self._items)
        self._items.clear()
        return items

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class Subscribed:
    """``async with pubsub.subscribe(name) as feed``: joins the channel on entry, leaves on exit.

    A class, not an ``asynccontextmanager``: that one's generator, frame and wrapper stay
    alive as long as the subscription, a few hundred bytes for each of ten thousand screens.
    """

    __slots__ = ("_channel", "_hub", "subscription")

    def __init__(self, hub: "PubSub", name: str, coalesce: bool, counted: bool) -> None:
        self._hub = hub
        self._channel: _Channel | None = None
        self.subscription = Subscription(name, hub.buffer, coalesce=coalesce, counted=counted)

    async def __aenter__(self) -> Subscription:
        self._channel = await self._hub._join(self.subscription.channel, self.subscription)
        return self.subscription

    async def __aexit__(self, *exc_info: object) -> None:
        channel, self._channel = self._channel, None
        if channel is not None:
            await self._hub._leave(self.subscription.channel, channel, self.subscription)


class _Channel:
    def __init__(self) -> None:
        self.subscribers: set[Subscription] = set()
        self.pump: asyncio.Task[None] | None = None


class PubSub:
    """The process's pub/sub hub over encode/broadcaster (via ``Broker``, which survives outages)."""

    def __init__(self, url: str, *, buffer: int = 1_000) -> None:
        self.url = url
        self.buffer = buffer
        self.broker = Broker(url)
        self._channels: dict[str, _Channel] = {}
        self._lock = asyncio.Lock()
        self.published = 0
        self.closing = False

    async def connect(self) -> None:
        await self.broker.connect()

    async def disconnect(self) -> None:
        for channel in list(self._channels.values()):
            if channel.pump is not None:
                channel.pump.cancel()
                with suppress(asyncio.CancelledError):
                    await channel.pump
        self._channels.clear()
        await self.broker.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        await self.broker.publish(channel, message)
        self.published += 1

    def close_subscriptions(self) -> None:
        """Start shutting down: every subscriber's feed ends (``FeedClosed``), and so do new ones."""
        self.closing = True
        for channel in self._channels.values():
            for subscription in channel.subscribers:
                subscription.close()

    @property
    def subscriber_count(self) -> int:
        """Open streams: every subscription but the relays' own (``counted=False``)."""
        return sum(
            sum(1 for subscription in channel.subscribers if subscription.counted)
            for channel in self._channels.values()
        )

    @property
    def channel_count(self) -> int:
        return len(self._channels)

    def subscribe(self, name: str, *, coalesce: bool = False, counted: bool = True) -> "Subscribed":
        """Subscribe to a channel (``async with``); the feed is live once entered.

        With ``coalesce`` a full buffer collapses into one ``None`` (for readers
        that reload state on any message) instead of cutting the reader off. A
        relay's own subscription is not ``counted`` among the open streams.
        """
        return Subscribed(self, name, coalesce, counted)

    async def _join(self, name: str, subscription: Subscription) -> _Channel:
        if self.closing:
            raise FeedClosed
        async with self._lock:
            channel = self._channels.get(name)
            if channel is None:
                channel = self._channels[name] = _Channel()
                ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                channel.pump = asyncio.create_task(self._pump(name, channel, ready))
                await ready
            channel.subscribers.add(subscription)
            subscription.detach = channel.subscribers.discard
            if self.closing:
                subscription.close()
        return channel

    async def _leave(self, name: str, channel: _Channel, subscription: Subscription) -> None:
        async with self._lock:
            channel.subscribers.discard(subscription)
            if channel.subscribers or self._channels.get(name) is not channel:
                return
            del self._channels[name]
            pump = channel.pump
            if pump is not None:
                # Under the lock: a new first subscriber to this channel waits until
                # the broker has let go of it.
                pump.cancel()
                with suppress(asyncio.CancelledError):
                    await pump

    async def _pump(self, name: str, channel: _Channel, ready: asyncio.Future[None]) -> None:
        try:
            async with self.broker.listen(name) as feed:
                ready.set_result(None)
                async for message in feed:
                    for subscription in list(channel.subscribers):
                        subscription.offer(message)
                    # Let readers run between messages, so a burst is not judged as a stall.
                    await asyncio.sleep(0)
        except Exception as error:
            if ready.done():
                raise
            ready.set_exception(error)
