"""Graceful shutdown: end every open subscription cleanly before the server closes connections.

uvicorn, on SIGTERM or Ctrl-C, stops accepting connections, closes WebSockets
at once (code 1012) and waits for HTTP requests to finish, up to
``timeout_graceful_shutdown``; a subscription streamed over HTTP would hold it
that long. So the app puts its own handler in front of the server's: it first
*drains* (pub/sub ends each subscription's feed; the stream sends a final
``SHUTTING_DOWN`` error naming the sequence to resume after, then ``complete``),
waits for the streams to finish, and only then hands the signal to the
server, which closes what is left and runs the lifespan's cleanup.

A second signal during the drain goes straight to the server (uvicorn treats
a second Ctrl-C as "exit now").
"""

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from app.core.pubsub import PubSub

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Time for transports to write the streams' last frames once every stream has ended.
FLUSH_SECONDS = 0.1

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Drain:
    """Ends the process's subscriptions; ``started`` also makes ``/readyz`` answer 503."""

    def __init__(self, pubsub: PubSub, *, timeout: float) -> None:
        self.pubsub = pubsub
        self.timeout = timeout
        self.started = False
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """End every open subscription and wait (at most ``timeout``) until they have."""
        if self.started:
            return
        self.started = True
        loop = asyncio.get_running_loop()
        open_streams = self.pubsub.subscriber_count
        log.info("shutting down: ending %d open subscription(s)", open_streams)
        self.pubsub.close_subscriptions()
        deadline = loop.time() + self.timeout
        # Streams end on their own tasks; their count in the hub is what tells they have.
        while self.pubsub.subscriber_count and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await asyncio.sleep(FLUSH_SECONDS)
        left = self.pubsub.subscriber_count
        if left:
            log.warning("shutting down: %d subscription(s) did not end in %.1fs", left, self.timeout)
        else:
            log.info("shutting down: all subscriptions ended")

    @contextmanager
    def on_signals(self) -> Iterator[None]:
        """While inside, SIGINT and SIGTERM drain first, then reach the handlers there before."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only (a server in a test's thread)
            return
        loop = asyncio.get_running_loop()
        previous: dict[int, Handler] = {sig: signal.getsignal(sig) for sig in SIGNALS}

        def handle(sig: int, frame: FrameType | None) -> None:
            if self.started:
                _deliver(sig, previous[sig], frame)
                return
            loop.call_soon_threadsafe(self._drain_then_deliver, sig, previous[sig])

        for each in SIGNALS:
            signal.signal(each, handle)
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _drain_then_deliver(self, sig: int, handler: Handler) -> None:
        async def drain_then_deliver() -> None:
            try:
                await self.run()
            finally:
                _deliver(sig, handler, None)

        self._task = asyncio.create_task(drain_then_deliver(), name="drain")


def _deliver(sig: int, handler: Handler, frame: FrameType | None) -> None:
    """Pass the signal on as if the app had never looked at it."""
    if callable(handler):
        handler(sig, frame)
        return
    signal.signal(sig, signal.SIG_DFL if handler is None else handler)
    signal.raise_signal(sig)
