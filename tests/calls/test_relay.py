"""The call relay's join paths, over the real pub/sub and database, with the interleaving forced."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from app.calls.events import CallLog
from app.calls.relay import CallRelays
from app.core.db import Database
from app.core.pubsub import PubSub, Subscription


async def test_a_screen_waiting_to_join_a_relay_that_stopped_before_it_subscribed_goes_on_on_its_own(
    db: Database, pubsub: PubSub, monkeypatch: pytest.MonkeyPatch
) -> None:
    relays = CallRelays(db, pubsub)
    subscribe = pubsub.subscribe
    opened = asyncio.Event()

    @asynccontextmanager
    async def held(name: str, **options: Any) -> AsyncIterator[Subscription]:
        await opened.wait()
        async with subscribe(name, **options) as feed:
            yield feed

    monkeypatch.setattr(pubsub, "subscribe", held)
    call = CallLog(1, "c")
    creator = asyncio.create_task(relays.relay(call, 0))
    joiner = asyncio.create_task(relays.relay(call, 0))
    for _ in range(3):
        await asyncio.sleep(0)  # both wait for the relay's feed
    creator.cancel()  # its screen went away; with no sink the relay stops

    assert await asyncio.wait_for(joiner, 5) is None
    assert len(relays) == 0
    assert creator.cancelled()
