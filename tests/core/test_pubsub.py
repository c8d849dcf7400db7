import asyncio

import pytest

from app.core.pubsub import PubSub, SubscriberOverflow


async def _published(hub: PubSub, channel: str, *messages: str) -> None:
    for message in messages:
        await hub.publish(channel, message)
    await asyncio.sleep(0.05)  # let the pump fan out


async def test_subscribers_of_one_channel_share_one_feed_and_each_get_every_message(pubsub: PubSub) -> None:
    async with pubsub.subscribe("a") as first, pubsub.subscribe("a") as second:
        await _published(pubsub, "a", "one", "two")

        assert pubsub.channel_count == 1
        assert [await first.get(), await first.get()] == ["one", "two"]
        assert [await second.get(), await second.get()] == ["one", "two"]


async def test_the_channel_closes_when_its_last_subscriber_leaves(pubsub: PubSub) -> None:
    async with pubsub.subscribe("a"), pubsub.subscribe("b"):
        assert (pubsub.channel_count, pubsub.subscriber_count) == (2, 2)

    assert (pubsub.channel_count, pubsub.subscriber_count) == (0, 0)


async def test_a_subscriber_past_its_buffer_is_dropped_and_holds_nothing(pubsub: PubSub) -> None:
    count = pubsub.buffer + 1
    async with pubsub.subscribe("a") as slow, pubsub.subscribe("a") as fast:

        async def read_all() -> list[str | None]:
            return [await fast.get() for _ in range(count)]

        reading = asyncio.create_task(read_all())
        await _published(pubsub, "a", *(str(n) for n in range(count)))

        assert pubsub.subscriber_count == 1
        assert slow.drain() == []
        with pytest.raises(SubscriberOverflow):
            await slow.get()
        assert await reading == [str(n) for n in range(count)]


async def test_a_coalescing_subscriber_past_its_buffer_gets_one_resync_instead(pubsub: PubSub) -> None:
    async with pubsub.subscribe("a", coalesce=True) as watcher:
        await _published(pubsub, "a", *(str(n) for n in range(pubsub.buffer + 3)))

        queued = watcher.drain()

    assert None in queued
    assert len(queued) <= pubsub.buffer


async def test_in_process_a_message_nobody_here_listens_for_goes_nowhere_and_later_ones_arrive() -> None:
    hub = PubSub("memory://", buffer=50)
    await hub.connect()
    handed: list[str] = []
    broadcast = hub.broker._broadcast
    assert broadcast is not None
    publish = broadcast.publish

    async def spy(channel: str, message: str) -> None:
        handed.append(message)
        await publish(channel, message)

    broadcast.publish = spy  # type: ignore[method-assign]
    try:
        await _published(hub, "quiet", "unheard")
        async with hub.subscribe("quiet") as feed:
            await _published(hub, "quiet", "heard")

            assert await feed.get() == "heard"
    finally:
        await hub.disconnect()

    assert handed == ["heard"]
    assert hub.published == 2
