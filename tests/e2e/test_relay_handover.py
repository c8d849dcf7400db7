"""A screen handed over to its call's relay misses no event and gets none twice, whatever the timing.

The interleavings are forced: the handover is held at its door (``CallRelays.relay``)
and a group's delivery is held mid-event, on the server's own event loop, while the
test commits events over HTTP.
"""

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from contextlib import suppress

import pytest

from app.calls.events import CallLog, Event, call_channel
from app.calls.relay import CallRelay
from app.graphql.fanout import Group
from tests.e2e.test_connections import EVENTS as WITH_TEXT
from tests.e2e.test_connections import LONG_LINE, StalledClient
from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer, eventually

EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) { sequence }
}
"""
OTHER_EVENTS = EVENTS.replace("{ sequence }", "{ sequence type }")


class Door:
    """Holds the first ``count`` handovers before they reach the relays, each until let in."""

    def __init__(self, server: LiveServer, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
        self.server = server
        self.gates = [asyncio.Event() for _ in range(count)]
        self.waiting = 0
        self.outcomes: list[CallRelay | None] = []
        relays = server.services.relays
        relay = relays.relay

        async def held(call: CallLog, last: int) -> CallRelay | None:
            if self.waiting < len(self.gates):
                self.waiting += 1
                await self.gates[self.waiting - 1].wait()
                self.outcomes.append(await relay(call, last))
                return self.outcomes[-1]
            return await relay(call, last)

        monkeypatch.setattr(relays, "relay", held)

    async def let_in(self, index: int) -> None:
        self.server.loop.call_soon_threadsafe(self.gates[index].set)
        await eventually(lambda: len(self.outcomes) > index)


def _fed(server: LiveServer, call_id: str) -> bool:
    """Every subscription to the call's channel holds a message it has not read."""
    channel = server.services.pubsub._channels.get(call_channel(call_id))
    return channel is not None and all(not subscription.idle for subscription in channel.subscribers)


async def _sequences(socket: GraphQLSocket, count: int, within: float = 5) -> list[int]:
    """The sequences of the next ``count`` events, or of those that came before a ``within`` s silence."""
    sequences: list[int] = []
    with suppress(TimeoutError):
        while len(sequences) < count:
            sequences.append((await socket.next_data(within))["callEvents"]["sequence"])
    return sequences


async def test_an_event_committed_while_a_screen_hands_over_reaches_it_before_the_next_one(
    live_server: LiveServer, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    door = Door(live_server, monkeypatch, 1)
    await http.data(START_CALL, **call_args("c"))
    screen = await GraphQLSocket.open(live_server.ws_url)
    await screen.subscribe(EVENTS, callId="c", after=0)
    assert await _sequences(screen, 1) == [1]
    await eventually(lambda: door.waiting == 1)  # caught up, idle, at the relays' door

    await http.data(ADD_LINE, callId="c", text="while handing over")
    await eventually(lambda: _fed(live_server, "c"))  # published before the relay subscribes
    await door.let_in(0)

    try:
        assert door.outcomes[0] is not None  # handed over, not reading on its own
        assert await _sequences(screen, 1) == [2]
    finally:
        await screen.close()


async def test_a_screen_joining_while_the_relay_passes_on_an_event_from_the_log_gets_it_once(
    live_server: LiveServer, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    door = Door(live_server, monkeypatch, 2)
    passing = asyncio.Event()
    delivering: list[int] = []
    deliver: Callable[[Group, Event], Awaitable[None]] = Group.deliver

    async def held(group: Group, event: Event) -> None:
        delivering.append(event.seq)
        if event.seq == 2:
            await passing.wait()  # as a group's execution waits on its loaders
        await deliver(group, event)

    monkeypatch.setattr(Group, "deliver", held)
    await http.data(START_CALL, **call_args("c"))
    screens = [await GraphQLSocket.open(live_server.ws_url) for _ in range(2)]
    # Another document, another group: the second screen's group is not among the first's sinks.
    for index, document in enumerate((EVENTS, OTHER_EVENTS)):
        await screens[index].subscribe(document, callId="c", after=0)
        assert await _sequences(screens[index], 1) == [1]
        await eventually(lambda waiting=index + 1: door.waiting == waiting)
    await http.data(ADD_LINE, callId="c", text="in the log before the relay reads it")
    await eventually(lambda: _fed(live_server, "c"))

    await door.let_in(0)  # the relay starts, reads event 2 from the log and passes it on...
    await eventually(lambda: delivering == [2])
    await door.let_in(1)  # ...while the second screen, which holds only event 1, hands over
    live_server.loop.call_soon_threadsafe(passing.set)
    await http.data(ADD_LINE, callId="c", text="after")

    try:
        received = [await _sequences(screen, 2) for screen in screens]
    finally:
        for screen in screens:
            await screen.close()
    assert received == [[2, 3], [2, 3]]


async def test_a_relay_whose_last_screen_it_cut_off_stops(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(subscriber_buffer=5, send_buffer=8192)
    http = Http(server.http_url)
    await http.data(START_CALL, **call_args("c"))
    stalled = await StalledClient.open(server)
    subscribe = {"query": WITH_TEXT, "variables": {"callId": "c", "after": 0}}
    stalled.send({"id": "1", "type": "subscribe", "payload": subscribe})
    await eventually(lambda: len(server.services.relays) == 1)  # event 1 sent, then handed over
    for index in range(150):
        await http.data(LONG_LINE, text=f"{index} {secrets.token_urlsafe(3_000)}")

    messages = await stalled.read_until_complete()
    await stalled.close()
    await http.close()

    assert messages[-2]["payload"]["errors"][0]["extensions"]["code"] == "SLOW_CONSUMER"
    await eventually(lambda: server.run(server.task_kinds())["CallRelay._run"] == 0)
