"""The pub/sub hub over a real Redis: across processes, first-subscriber races, restarts.

Two ``PubSub`` hubs with their own Redis connections stand for two workers.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from app.core.pubsub import PubSub, Subscription
from tests.infra import RedisServer
from tests.live import eventually
from tests.scaled import only_scaled

pytestmark = only_scaled

Hub = Callable[[], Awaitable[PubSub]]


@pytest.fixture
async def hub(redis_server: RedisServer) -> AsyncIterator[Hub]:
    hubs: list[PubSub] = []

    async def make() -> PubSub:
        pubsub = PubSub(redis_server.url, buffer=100)
        pubsub.broker.max_retry_delay = 0.2
        await pubsub.connect()
        hubs.append(pubsub)
        return pubsub

    yield make
    for pubsub in hubs:
        await pubsub.disconnect()


async def _next(subscription: Subscription, within: float = 5) -> str | None:
    return await asyncio.wait_for(subscription.get(), within)


async def _until_message(subscription: Subscription, within: float = 5) -> str:
    """The next real message, skipping resync markers."""
    deadline = time.monotonic() + within
    while True:
        message = await _next(subscription, max(deadline - time.monotonic(), 0.01))
        if message is not None:
            return message


async def test_messages_published_by_one_process_reach_another_in_order(hub: Hub) -> None:
    publisher, listener = await hub(), await hub()
    async with listener.subscribe("call:a") as subscription:
        for number in range(50):
            await publisher.publish("call:a", str(number))

        received = [await _next(subscription) for _ in range(50)]

    assert received == [str(number) for number in range(50)]


async def test_two_first_subscribers_of_one_channel_at_once_both_receive(hub: Hub) -> None:
    publisher, listener = await hub(), await hub()
    first, second = listener.subscribe("call:race"), listener.subscribe("call:race")

    one, two = await asyncio.gather(first.__aenter__(), second.__aenter__())
    await publisher.publish("call:race", "hello")

    assert [await _next(one), await _next(two)] == ["hello", "hello"]
    await second.__aexit__(None, None, None)
    await first.__aexit__(None, None, None)
    assert listener.channel_count == 0


async def test_a_channel_resubscribed_right_after_its_last_reader_left_still_receives(hub: Hub) -> None:
    publisher, listener = await hub(), await hub()
    for _ in range(20):
        async with listener.subscribe("call:churn"):
            pass
    async with listener.subscribe("call:churn") as subscription:
        await publisher.publish("call:churn", "still here")

        assert await _next(subscription) == "still here"


async def test_a_redis_restart_is_logged_and_every_subscriber_is_told_to_catch_up(
    hub: Hub, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.core.broker")
    publisher, listener = await hub(), await hub()
    async with listener.subscribe("call:a") as one, listener.subscribe("call:b") as two:
        redis_server.stop()
        assert await _next(one) is None
        assert await _next(two) is None
        redis_server.start()
        await asyncio.wait_for(listener.broker.wait_connected(), 10)
        one.drain()
        await asyncio.wait_for(publisher.broker.wait_connected(), 10)
        await publisher.publish("call:a", "after")

        assert await _until_message(one) == "after"
    messages = [record.getMessage() for record in caplog.records]
    assert any("lost" in message for message in messages), messages
    assert any("back after" in message for message in messages), messages


async def test_publishing_while_redis_is_down_does_not_wait_for_it(
    hub: Hub, redis_server: RedisServer
) -> None:
    publisher = await hub()
    async with publisher.subscribe("call:a"):
        redis_server.stop()
        await _until_down(publisher)

        started = time.monotonic()
        for number in range(100):
            await publisher.publish("call:a", str(number))

    assert time.monotonic() - started < 0.5
    assert publisher.broker.skipped == 100


async def test_a_failed_publish_raises_once_then_publishing_is_skipped_until_redis_is_back(
    hub: Hub, redis_server: RedisServer
) -> None:
    publisher = await hub()  # no subscription: only publishing can notice the outage
    redis_server.stop()

    with pytest.raises(Exception):  # noqa: B017  (whatever redis-py raises for a refused connection)
        await publisher.publish("call:a", "lost")
    await publisher.publish("call:a", "skipped")

    assert publisher.broker.skipped == 1


async def test_a_subscription_opened_during_an_outage_is_live_once_redis_is_back(
    hub: Hub, redis_server: RedisServer
) -> None:
    publisher, listener = await hub(), await hub()
    async with listener.subscribe("call:warmup"):
        redis_server.stop()
        await _until_down(listener)
        async with listener.subscribe("call:late") as late:
            redis_server.start()
            await asyncio.wait_for(listener.broker.wait_connected(), 10)
            await asyncio.wait_for(publisher.broker.wait_connected(), 10)
            await _publish_when_up(publisher, "call:late", "hello")

            assert await _until_message(late) == "hello"


async def test_a_hub_started_while_redis_is_down_connects_when_it_comes_up(
    hub: Hub, redis_server: RedisServer
) -> None:
    redis_server.stop()
    listener = await hub()
    async with listener.subscribe("call:a") as subscription:
        assert not listener.broker.connected
        redis_server.start()
        await asyncio.wait_for(listener.broker.wait_connected(), 10)
        publisher = await hub()
        await publisher.publish("call:a", "hello")

        assert await _until_message(subscription) == "hello"


async def _until_down(pubsub: PubSub) -> None:
    await eventually(lambda: not pubsub.broker.connected)


async def _publish_when_up(pubsub: PubSub, channel: str, message: str) -> None:
    await pubsub.broker.wait_connected()
    await pubsub.publish(channel, message)
