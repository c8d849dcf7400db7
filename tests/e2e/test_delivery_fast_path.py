"""Screens that caught up with a call are fed by the call's relay: one execution and one task per event."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.graphql.fanout import Group
from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer, eventually

SECRET = "test-secret-0123456789-abcdefghijklmnop"

EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    sequence type
    ... on TranscriptAddedEvent { transcript { order text } }
    ... on CallStatusChangedEvent { call { customerPhone status } }
  }
}
"""

Open = Callable[..., Awaitable[GraphQLSocket]]


@pytest.fixture
async def screens() -> AsyncIterator[Open]:
    opened: list[GraphQLSocket] = []

    async def open_socket(url: str, **options: Any) -> GraphQLSocket:
        opened.append(await GraphQLSocket.open(url, **options))
        return opened[-1]

    yield open_socket
    for socket in opened:
        await socket.close()


def _groups(server: LiveServer) -> list[Group]:
    relays = server.services.relays._relays.values()
    return [sink for relay in relays for sink in relay.sinks.values() if isinstance(sink, Group)]


def _members(server: LiveServer) -> list[int]:
    """How many screens each group of each relay holds."""
    return sorted(len(group) for group in _groups(server))


async def _sequences(socket: GraphQLSocket, count: int) -> list[int]:
    return [(await socket.next_data())["callEvents"]["sequence"] for _ in range(count)]


async def test_screens_that_caught_up_share_one_group_and_get_every_event_once_in_order(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    sockets = [await screens(live_server.ws_url) for _ in range(4)]
    for socket in sockets:
        await socket.subscribe(EVENTS, callId="c", after=0)
        assert await _sequences(socket, 1) == [1]
    await eventually(lambda: _members(live_server) == [4])

    for n in range(5):
        await http.data(ADD_LINE, callId="c", text=f"line {n}")

    assert [await _sequences(socket, 5) for socket in sockets] == [[2, 3, 4, 5, 6]] * 4
    assert live_server.services.pubsub.subscriber_count == 4


async def test_a_caught_up_screens_frames_are_written_straight_to_its_socket(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await screens(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=0)
    assert await _sequences(socket, 1) == [1]
    await eventually(lambda: _members(live_server) == [1])
    (member,) = [member for group in _groups(live_server) for member in group.members]
    assert member.send_now is not None
    written: list[str] = []
    send_now = member.send_now
    member.send_now = lambda text: written.append(text) or send_now(text)

    await http.data(ADD_LINE, callId="c", text="line 0")

    assert await _sequences(socket, 1) == [2]
    assert [json.loads(frame)["payload"]["data"]["callEvents"]["sequence"] for frame in written] == [2]


async def test_a_screen_joining_late_replays_then_joins_without_a_gap_or_a_repeat(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    early = await screens(live_server.ws_url)
    await early.subscribe(EVENTS, callId="c", after=0)
    await _sequences(early, 1)
    await eventually(lambda: _members(live_server) == [1])
    for n in range(3):
        await http.data(ADD_LINE, callId="c", text=f"before {n}")

    late = await screens(live_server.ws_url)
    await late.subscribe(EVENTS, callId="c", after=2)
    await _sequences(late, 2)
    # Other variables, another group; the same relay.
    await eventually(lambda: _members(live_server) == [1, 1] and len(live_server.services.relays) == 1)
    await http.data(ADD_LINE, callId="c", text="after")

    assert await _sequences(early, 4) == [2, 3, 4, 5]
    assert await _sequences(late, 1) == [5]


async def test_frames_on_the_fast_path_are_the_messages_strawberry_sends(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await screens(live_server.ws_url)
    await socket.subscribe(EVENTS, op_id='op "1"', callId="c", after=0)
    await socket.next()
    await eventually(lambda: _members(live_server) == [1])

    await http.data(ADD_LINE, callId="c", text='a "quoted" line')
    frame = json.loads(await socket.frame())

    assert frame == {
        "id": 'op "1"',
        "type": "next",
        "payload": {
            "data": {
                "callEvents": {
                    "sequence": 2,
                    "type": "TRANSCRIPT_ADDED",
                    "transcript": {"order": 0, "text": 'a "quoted" line'},
                }
            }
        },
    }


async def test_a_legacy_graphql_ws_screen_beside_fast_ones_gets_the_same_events(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    fast = await screens(live_server.ws_url)
    legacy = await screens(live_server.ws_url, protocol="graphql-ws")
    for socket in (fast, legacy):
        await socket.subscribe(EVENTS, callId="c", after=0)
        await _sequences(socket, 1)
    await eventually(lambda: _members(live_server) == [1])

    await http.data(ADD_LINE, callId="c", text="hello")

    assert await _sequences(fast, 1) == await _sequences(legacy, 1) == [2]


async def test_the_call_ending_completes_every_fast_screen_after_its_last_event(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    sockets = [await screens(live_server.ws_url) for _ in range(2)]
    for socket in sockets:
        await socket.subscribe(EVENTS, callId="c", after=0)
        await _sequences(socket, 1)
    await eventually(lambda: _members(live_server) == [2])

    await http.data('mutation { endLiveCall(callId: "c") { status } }')

    for socket in sockets:
        assert (await socket.next_data())["callEvents"]["type"] == "CALL_ENDED"
        assert await socket.next() == {"id": "1", "type": "complete"}
    await eventually(lambda: not live_server.services.relays._relays)


async def test_a_viewer_and_an_admin_on_the_fast_path_are_in_groups_of_their_own(
    start_server: Callable[..., LiveServer], screens: Open
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))
    authenticator = Authenticator.from_settings(server.services.settings)
    admin = authenticator.mint(role=Role.ADMIN, subject="admin-1")
    viewer = authenticator.mint(role=Role.VIEWER, subject="viewer-1")
    http = Http(server.http_url)
    http.client.headers["Authorization"] = f"Bearer {admin}"
    try:
        await http.data(START_CALL, **call_args("c"))
        watching = {}
        for name, token in (("admin", admin), ("viewer", viewer), ("viewer again", viewer)):
            socket = await screens(server.ws_url, payload={"Authorization": f"Bearer {token}"})
            await socket.subscribe(EVENTS, callId="c", after=0)
            await _sequences(socket, 1)
            watching[name] = socket
        await eventually(lambda: _members(server) == [1, 2])
        await http.data('mutation { updateCallStatus(callId: "c", status: RINGING) { status } }')
        phones = {
            name: (await socket.next_data())["callEvents"]["call"]["customerPhone"]
            for name, socket in watching.items()
        }
    finally:
        await http.close()

    assert phones["admin"] == "+1 555 0100"
    assert phones["viewer"] == phones["viewer again"] == "•••• 0100"
