"""broadcaster internals: its Redis backend, made to fail loudly instead of hanging or healing in silence.

Written for broadcaster 0.3.1 with redis-py 8.1 (tested ranges in ``pyproject.toml``).

broadcaster exports ``Broadcast``, ``Event`` and ``BroadcastBackend``; its
backends live in the private ``broadcaster._backends``. ``LoudRedisBackend``
subclasses ``broadcaster._backends.redis.RedisBackend`` and relies on what its
``__init__`` sets up: ``_conn`` (the publishing client), ``_pubsub`` (the
subscription), ``_ready`` (the event that wakes the reading task), ``_queue``
(what that task hands messages over on) and ``_listener`` (the task, made by
``connect()``, running ``_pubsub_listener``); ``_subscriber`` is this class's
own client for ``_pubsub``. ``tests/adapters/test_broadcaster.py`` checks them.

Upstream (PITFALLS.md) reads Redis in a task of its own and hands messages over
a queue. When the connection drops that task dies and ``next_published`` waits
on the queue forever. And redis-py, left to its default retries, may reconnect
and resubscribe on its own, silently skipping whatever was published in
between. Both hide exactly what subscribers must hear about, so here: the
subscribing connection never retries, and ``next_published`` raises once the
reading task has ended; the hub above (``app.core.broker``) reconnects and
tells subscribers to catch up from the event log. Publishing gets one
immediate retry on a fresh connection, since a pooled connection may be stale
after a restart and a duplicate message costs nothing (subscribers drop
repeats by sequence).

Upstream also wakes its reading task *before* sending SUBSCRIBE; redis-py (8.x)
records the channel only after sending it, so the task finds nothing
subscribed, goes back to sleep, and the process's first channel never receives
a message. Here the task is woken after the channel is recorded.
"""

import asyncio

from broadcaster import Event
from broadcaster._backends.redis import RedisBackend
from redis import asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

__all__ = ["CONNECT_TIMEOUT", "LoudRedisBackend"]

CONNECT_TIMEOUT = 2.0


class LoudRedisBackend(RedisBackend):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._conn = redis.Redis.from_url(
            url, retry=Retry(NoBackoff(), 1), socket_connect_timeout=CONNECT_TIMEOUT
        )
        self._subscriber = redis.Redis.from_url(
            url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=CONNECT_TIMEOUT
        )
        self._pubsub = self._subscriber.pubsub()

    @property
    def listener(self) -> "asyncio.Task[None]":
        """The task reading the subscription; it ends when the connection does."""
        assert self._listener is not None, "connect() first"
        return self._listener

    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._ready.set()

    async def disconnect(self) -> None:
        try:
            await super().disconnect()
        finally:
            await self._subscriber.aclose()

    async def next_published(self) -> Event:
        if not self._queue.empty():
            return self._queue.get_nowait()
        listener = self.listener
        getter = asyncio.ensure_future(self._queue.get())
        try:
            await asyncio.wait({getter, listener}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        cause = None if listener.cancelled() else listener.exception()
        raise ConnectionError(f"Redis subscription lost: {cause!r}") from cause
