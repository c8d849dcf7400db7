"""Subscribers asking the same question share one execution per event, and only they do."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer

SECRET = "test-secret-0123456789-abcdefghijklmnop"

EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    sequence type
    ... on TranscriptAddedEvent { transcript { order text } }
    ... on SentimentUpdatedEvent { sentiment { trend } }
    ... on CallStatusChangedEvent { call { customerPhone status } }
  }
}
"""

LIVE = "subscription Live($callId: String!) { liveCall(callId: $callId) { lastSequence customerPhone } }"


Open = Callable[..., Awaitable[GraphQLSocket]]


@pytest.fixture
async def screens() -> AsyncIterator[Open]:
    """Opens sockets (``GraphQLSocket.open``'s arguments) and closes them after the test."""
    opened: list[GraphQLSocket] = []

    async def open_socket(url: str, **options: Any) -> GraphQLSocket:
        opened.append(await GraphQLSocket.open(url, **options))
        return opened[-1]

    yield open_socket
    for socket in opened:
        await socket.close()


async def _following(screens: Open, server: LiveServer, count: int, **variables: Any) -> list[GraphQLSocket]:
    sockets = [await screens(server.ws_url) for _ in range(count)]
    for socket in sockets:
        await socket.subscribe(EVENTS, **variables)
    return sockets


async def _frames(socket: GraphQLSocket, count: int) -> list[str]:
    """The next ``count`` raw ``next`` frames, byte for byte."""
    frames = []
    while len(frames) < count:
        raw = await socket.frame()
        assert isinstance(raw, str)
        if json.loads(raw)["type"] == "next":
            frames.append(raw)
    return frames


async def test_subscribers_with_the_same_document_share_one_execution_per_event(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    sockets = await _following(screens, live_server, 5, callId="c", after=0)
    replayed = [await _frames(socket, 1) for socket in sockets]
    results = live_server.shared_results
    executions, reuses = results.executions, results.reuses

    for n in range(3):
        await http.data(ADD_LINE, callId="c", text=f"line {n}", sentiment="POSITIVE")
    received = [await _frames(socket, 6) for socket in sockets]

    assert all(frames == received[0] for frames in received)
    assert all(frames == replayed[0] for frames in replayed)
    assert results.executions - executions == 6
    assert results.reuses - reuses == 4 * 6


async def test_a_shared_frame_is_the_same_message_strawberry_would_send(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    [socket] = await _following(screens, live_server, 1, callId="c", after=0)
    [frame] = await _frames(socket, 1)

    assert json.loads(frame) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"callEvents": {"sequence": 1, "type": "CALL_STARTED"}}},
    }


async def test_different_variables_are_executed_separately(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    from_start = await _following(screens, live_server, 1, callId="c", after=0)
    after_start = await _following(screens, live_server, 1, callId="c", after=1)
    await _frames(from_start[0], 1)
    results = live_server.shared_results
    executions = results.executions

    await http.data(ADD_LINE, callId="c", text="hello")
    first, second = await _frames(from_start[0], 1), await _frames(after_start[0], 1)

    assert first == second
    assert results.executions - executions == 2


async def test_live_call_subscribers_get_the_state_after_each_change(
    live_server: LiveServer, http: Http, screens: Open
) -> None:
    await http.data(START_CALL, **call_args("c"))
    sockets = [await screens(live_server.ws_url) for _ in range(3)]
    for socket in sockets:
        await socket.subscribe(LIVE, callId="c")
        assert (await socket.next_data())["liveCall"]["lastSequence"] == 1

    await http.data(ADD_LINE, callId="c", text="hello", sentiment="POSITIVE")

    for socket in sockets:
        state = await socket.next_data()
        while state["liveCall"]["lastSequence"] < 3:
            state = await socket.next_data()
        assert state == {"liveCall": {"lastSequence": 3, "customerPhone": "+1 555 0100"}}


async def test_a_viewer_and_an_admin_on_the_same_call_each_get_their_own_rendering(
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
            await socket.subscribe(EVENTS, callId="c", after=1)
            watching[name] = socket
        await http.data('mutation { updateCallStatus(callId: "c", status: RINGING) { status } }')
        phones = {
            name: (await socket.next_data())["callEvents"]["call"]["customerPhone"]
            for name, socket in watching.items()
        }
    finally:
        await http.close()

    assert phones["admin"] == "+1 555 0100"
    assert phones["viewer"] == phones["viewer again"] == "•••• 0100"
