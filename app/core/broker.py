"""The process's connection to the message broker (encode/broadcaster), kept alive.

Across workers the broker is Redis, and Redis restarts. broadcaster leaves
reconnecting to the application (PITFALLS.md), so this module owns it: it
watches the connection, logs the outage, reconnects with backoff, subscribes
every channel again and tells each channel's reader to catch up (a ``None`` in
its feed). The event log, not the broker, is the record, so the one thing a
reader must never miss is that it may have missed something:

- while the broker is unreachable, readers get a ``None`` at every reconnect
  attempt, so subscribers poll the log (about every ``max_retry_delay`` seconds)
  instead of waiting in silence;
- publishing never blocks a mutation on a dead broker: it is skipped while the
  broker is known to be down, and bounded by ``publish_timeout`` otherwise;
- a channel whose message could not be published gets a doorbell (an empty
  message, read as ``None``) once the broker is back, so readers in *other*
  processes refill from the log too.

Each channel has at most one listener per process (``PubSub`` fans out), which
also keeps broadcaster's first-subscription race (two coroutines subscribing
one channel at once) from ever happening.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from broadcaster import Broadcast

from app.adapters.broadcaster import LoudRedisBackend

log = logging.getLogger(__name__)

DOORBELL = ""


class Feed:
    """One channel's messages as the broker delivers them; ``None``: refill from the log."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()

    def put(self, message: str | None) -> None:
        self._queue.put_nowait(message)

    def __aiter__(self) -> "Feed":
        return self

    async def __anext__(self) -> str | None:
        return await self._queue.get()


class _Listener:
    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.feed = Feed()
        self.relay: asyncio.Task[None] | None = None


def _where(url: str) -> str:
    """The URL without credentials, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


class Broker:
    """Publish to and listen on broker channels, surviving broker outages."""

    def __init__(
        self,
        url: str,
        *,
        publish_timeout: float = 2.0,
        subscribe_timeout: float = 5.0,
        max_retry_delay: float = 2.0,
    ) -> None:
        self.url = url
        self.publish_timeout = publish_timeout
        self.subscribe_timeout = subscribe_timeout
        self.max_retry_delay = max_retry_delay
        self.outages = 0
        self.skipped = 0
        self._where = _where(url)
        self._in_process = urlsplit(url).scheme == "memory"
        self._broadcast: Broadcast | None = None
        self._backend: LoudRedisBackend | None = None
        self._listeners: dict[str, _Listener] = {}
        self._lock = asyncio.Lock()
        self._up = asyncio.Event()
        self._lost = asyncio.Event()
        self._cause: BaseException | None = None
        self._missed: set[str] = set()
        self._watcher: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._up.is_set()

    async def connect(self) -> None:
        """Connect; an unreachable broker is logged and retried, not fatal."""
        try:
            await self._open()
            self._up.set()
        except Exception as error:
            self._cause = error
            self._lost.set()
        self._watcher = asyncio.create_task(self._watch(), name="broker-watcher")

    async def disconnect(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.wait({self._watcher})
        self._up.clear()
        async with self._lock:
            await self._close()

    async def wait_connected(self) -> None:
        await self._up.wait()

    async def publish(self, channel: str, message: str) -> None:
        """Publish; skipped (and rung later) while the broker is down, raises if it just failed."""
        broadcast = self._broadcast
        if broadcast is None or not self._up.is_set():
            self._missed.add(channel)
            self.skipped += 1
            return
        try:
            if self._in_process:  # a queue put that never waits: a timer would only cost
                if channel not in self._listeners:
                    return  # memory:// reaches this process only, and nobody here listens
                await broadcast.publish(channel, message)
            else:
                async with asyncio.timeout(self.publish_timeout):
                    await broadcast.publish(channel, message)
        except Exception as error:
            self._missed.add(channel)
            self._fail(broadcast, error)
            raise

    @asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[Feed]:
        """The channel's feed; live on return unless the broker is down (then it polls)."""
        listener = _Listener(channel)
        async with self._lock:
            if channel in self._listeners:
                raise RuntimeError(f"channel {channel!r} already has a listener in this process")
            self._listeners[channel] = listener
            broadcast = self._broadcast
            if broadcast is not None and self._up.is_set():
                try:
                    await self._start_relay(broadcast, listener)
                except Exception as error:
                    self._fail(broadcast, error)
        try:
            yield listener.feed
        finally:
            async with self._lock:
                del self._listeners[channel]
                await self._stop_relay(listener)

    def _fail(self, broadcast: Broadcast, error: BaseException) -> None:
        if broadcast is not self._broadcast or self._lost.is_set():
            return  # an old connection's last words, or an outage already being handled
        self._up.clear()
        self._cause = error
        self._lost.set()

    async def _watch(self) -> None:
        while True:
            await self._lost.wait()
            await self._recover()

    async def _recover(self) -> None:
        self._up.clear()
        self.outages += 1
        loop = asyncio.get_running_loop()
        started = loop.time()
        log.warning(
            "pub/sub %s lost (%s); mutations go on, subscribers catch up from the event log; reconnecting",
            self._where,
            _describe(self._cause),
        )
        delay = min(0.05, self.max_retry_delay)
        attempts = 0
        while True:
            async with self._lock:
                await self._close()
            self._lost.clear()
            self._resync_all()  # meanwhile, readers poll the log
            try:
                await self._open()
                broadcast = self._broadcast
                assert broadcast is not None
                async with self._lock:
                    for listener in list(self._listeners.values()):
                        await self._start_relay(broadcast, listener)
                if not self._lost.is_set():
                    break
            except Exception as error:
                attempts += 1
                log.log(
                    logging.INFO if attempts == 1 else logging.DEBUG,
                    "pub/sub %s still unreachable (%s); retrying every %.1fs at most",
                    self._where,
                    _describe(error),
                    self.max_retry_delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_retry_delay)
        missed, self._missed = self._missed, set()
        self._up.set()
        await self._ring(missed)
        self._resync_all()
        log.warning(
            "pub/sub %s back after %.1fs; %d channels resubscribed, subscribers caught up from the event log",
            self._where,
            loop.time() - started,
            len(self._listeners),
        )

    async def _ring(self, channels: set[str]) -> None:
        """Tell other processes' readers of ``channels`` to refill from the log."""
        for channel in channels:
            try:
                await self.publish(channel, DOORBELL)
            except Exception:
                log.warning("pub/sub %s: could not ring %s after the outage", self._where, channel)

    def _resync_all(self) -> None:
        for listener in self._listeners.values():
            listener.feed.put(None)

    async def _open(self) -> None:
        backend = None
        if urlsplit(self.url).scheme in ("redis", "rediss"):
            backend = LoudRedisBackend(self.url)
            broadcast = Broadcast(backend=backend)
        else:
            broadcast = Broadcast(self.url)
        try:
            async with asyncio.timeout(self.subscribe_timeout):
                await broadcast.connect()
        except BaseException:
            if backend is not None:
                await _quietly(backend.disconnect())
            raise
        self._broadcast, self._backend = broadcast, backend
        if backend is not None:
            backend.listener.add_done_callback(lambda task: self._listener_ended(broadcast, task))

    def _listener_ended(self, broadcast: Broadcast, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        self._fail(broadcast, error or ConnectionError("the broker's listener stopped"))

    async def _close(self) -> None:
        broadcast, backend = self._broadcast, self._backend
        self._broadcast = self._backend = None
        await self._stop_relays(list(self._listeners.values()))
        if broadcast is None:
            return
        try:
            async with asyncio.timeout(self.publish_timeout):
                await broadcast.disconnect()
        except Exception:
            # broadcaster re-raises its dead listener's error before closing the backend.
            if backend is not None:
                await _quietly(backend.disconnect())

    async def _start_relay(self, broadcast: Broadcast, listener: _Listener) -> None:
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        listener.relay = asyncio.create_task(self._relay(broadcast, listener, ready))
        try:
            await asyncio.wait_for(asyncio.shield(ready), self.subscribe_timeout)
        except BaseException:
            await self._stop_relay(listener)
            raise

    async def _relay(self, broadcast: Broadcast, listener: _Listener, ready: asyncio.Future[None]) -> None:
        try:
            async with broadcast.subscribe(listener.channel) as subscriber:
                ready.set_result(None)
                async for event in subscriber:  # type: ignore[union-attr]
                    if event is None:
                        break
                    listener.feed.put(event.message or None)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if not ready.done():
                ready.set_exception(error)
            else:
                self._fail(broadcast, error)

    async def _stop_relay(self, listener: _Listener) -> None:
        await self._stop_relays([listener])

    async def _stop_relays(self, listeners: list[_Listener]) -> None:
        relays = set()
        for listener in listeners:
            if listener.relay is not None:
                listener.relay.cancel()
                relays.add(listener.relay)
                listener.relay = None
        if not relays:
            return
        # Unsubscribing on a dead connection fails fast, but never wait long for it.
        await asyncio.wait(relays, timeout=self.publish_timeout)
        for relay in relays:
            if relay.done() and not relay.cancelled():
                relay.exception()


def _describe(error: BaseException | None) -> str:
    return "unknown cause" if error is None else f"{type(error).__name__}: {error}"


async def _quietly(closing: Coroutine[Any, Any, None]) -> None:
    try:
        async with asyncio.timeout(2.0):
            await closing
    except Exception:
        log.debug("closing a dead broker connection failed", exc_info=True)
