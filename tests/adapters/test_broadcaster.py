"""The broadcaster internals app/adapters/broadcaster.py relies on, as of broadcaster 0.3.1 (redis-py 8.1).

If one of these fails after upgrading broadcaster or redis-py, re-read
broadcaster/_backends/redis.py and adjust ``LoudRedisBackend``; the hub built
on it is tested over a real Redis in tests/core/test_pubsub_redis.py.
"""

import asyncio
import inspect

import pytest
from broadcaster import Broadcast, Event
from broadcaster._backends.redis import RedisBackend
from redis import asyncio as redis

from app.adapters.broadcaster import LoudRedisBackend
from tests.adapters.versions import assert_tested
from tests.infra import RedisServer
from tests.scaled import only_scaled

INTERNALS = "RedisBackend's _conn, _pubsub, _ready, _queue, _listener and _pubsub_listener"
URL = "redis://127.0.0.1:1/0"  # never connected to: building a backend opens nothing


def test_broadcaster_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("broadcaster", ">=0.3.1,<0.4", internals=INTERNALS)


def test_redis_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("redis", ">=8.1.0,<9", internals="the first subscription's wake-up in LoudRedisBackend")


async def test_the_upstream_backend_still_sets_up_what_the_subclass_replaces_and_reads() -> None:
    upstream = RedisBackend(URL)

    assert isinstance(upstream._conn, redis.Redis)
    assert isinstance(upstream._pubsub, redis.client.PubSub)
    assert isinstance(upstream._ready, asyncio.Event)
    assert isinstance(upstream._queue, asyncio.Queue)
    assert upstream._listener is None
    assert inspect.iscoroutinefunction(RedisBackend._pubsub_listener)
    for method in ("connect", "disconnect", "subscribe", "unsubscribe", "publish", "next_published"):
        assert inspect.iscoroutinefunction(getattr(RedisBackend, method)), method
    await upstream._conn.aclose()


async def test_the_subscription_has_a_client_of_its_own_that_never_retries() -> None:
    backend = LoudRedisBackend(URL)

    assert backend._pubsub.connection_pool is backend._subscriber.connection_pool
    assert backend._subscriber.get_retry().get_retries() == 0  # type: ignore[union-attr]
    assert backend._conn.get_retry().get_retries() == 1  # type: ignore[union-attr]
    await backend._conn.aclose()
    await backend._subscriber.aclose()


async def test_a_message_already_queued_is_returned_and_a_dead_listener_raises() -> None:
    backend = LoudRedisBackend(URL)

    async def lost() -> None:
        raise OSError("connection reset")

    backend._listener = asyncio.create_task(lost())
    await asyncio.wait({backend._listener})
    await backend._queue.put(Event(channel="call:a", message="1"))

    assert await backend.next_published() == Event(channel="call:a", message="1")
    with pytest.raises(ConnectionError, match="Redis subscription lost"):
        await backend.next_published()
    await backend._conn.aclose()
    await backend._subscriber.aclose()


@only_scaled
async def test_the_first_channel_subscribed_receives(redis_server: RedisServer) -> None:
    backend = LoudRedisBackend(redis_server.url)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe("call:first") as subscriber:
        await broadcast.publish("call:first", "hello")
        event = await asyncio.wait_for(subscriber.get(), 5)

    assert (event.channel, event.message) == ("call:first", "hello")
