"""WebSocket connection behaviour: keep-alive, cleanup on disconnect, slow subscribers."""

import asyncio
import base64
import contextlib
import json
import secrets
import socket as sockets
import struct
from collections import Counter
from collections.abc import Callable
from typing import Any

from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer, eventually
from tests.rules.documents import CREATE_RULE, phrases_rule

EVENTS = """
subscription($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    sequence
    ... on TranscriptAddedEvent { transcript { order text } }
  }
}
"""
LIVE_CALL = 'subscription { liveCall(callId: "c") { lastSequence } }'
ALERTS = "subscription($after: Int) { alerts(afterSequence: $after) { sequence alert { matched } } }"
LONG_LINE = """
mutation($text: String!) {
  addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: $text, isFinal: true) { order }
}
"""


async def test_graphql_transport_ws_connections_get_server_pings(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(keep_alive_interval=0.1)
    socket = await GraphQLSocket.open(server.ws_url)

    message = await socket.receive(within=2)
    await socket.close()

    assert message == {"type": "ping"}


async def test_one_task_pings_every_connection_and_stops_when_they_have_gone(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(keep_alive_interval=0.1)
    baseline = server.run(server.task_kinds())
    sockets = [await GraphQLSocket.open(server.ws_url) for _ in range(5)]
    try:
        pings = [await socket.receive(within=2) for socket in sockets]
        # uvicorn's own task per connection and one pinger; cancelled init timers may linger a moment.
        await eventually(lambda: added_tasks(server, baseline) == (6, 1))
    finally:
        for socket in sockets:
            await socket.close()

    assert pings == [{"type": "ping"}] * 5
    await eventually(lambda: added_tasks(server, baseline) == (0, 0))


def added_tasks(server: LiveServer, baseline: Counter[str]) -> tuple[int, int]:
    """Tasks running beyond ``baseline``: in all, and pinging."""
    added = server.run(server.task_kinds()) - baseline
    return added.total(), added["Pinger._run"]


async def test_legacy_graphql_ws_connections_get_keep_alive_messages(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(keep_alive_interval=0.1)
    socket = await GraphQLSocket.open(server.ws_url, protocol="graphql-ws")

    message = await socket.receive(within=2)
    await socket.close()

    assert message == {"type": "ka"}


async def test_clients_that_go_away_leave_no_subscription_or_task_behind(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    pubsub = live_server.services.pubsub
    baseline = live_server.run(live_server.task_count())

    for cycle in range(40):
        socket = await GraphQLSocket.open(live_server.ws_url)
        await socket.subscribe(LIVE_CALL, op_id="live")
        await socket.subscribe(EVENTS, op_id="events", callId="c", after=0)
        await socket.next()  # both operations are running once the first results arrive
        await socket.next()
        if cycle % 2:
            socket.abort()
        else:
            await socket.close()

    await eventually(lambda: pubsub.subscriber_count == 0 and pubsub.channel_count == 0)
    await eventually(lambda: live_server.run(live_server.task_count()) <= baseline)


class StalledClient:
    """A graphql-transport-ws client that subscribes, then never reads again.

    Written on a raw socket with a tiny receive buffer, because client
    libraries keep reading into their own buffers behind the application's back.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, server: LiveServer) -> "StalledClient":
        raw = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", server.port))
        reader, writer = await asyncio.open_connection(sock=raw, limit=4096)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        writer.write(
            "GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n".encode()
        )
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
        client = cls(reader, writer)
        client.send({"type": "connection_init", "payload": {}})
        return client

    def send(self, message: dict[str, object]) -> None:
        payload = json.dumps(message).encode()
        mask = secrets.token_bytes(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.writer.write(header + mask + masked)

    async def read_until_complete(self) -> list[dict[str, Any]]:
        """Resume reading: every text message up to the operation's "complete"."""
        messages: list[dict[str, Any]] = []
        while not messages or messages[-1]["type"] != "complete":
            first, second = await asyncio.wait_for(self.reader.readexactly(2), 10)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            data = await self.reader.readexactly(length)
            if first & 0x0F == 0x1:
                messages.append(json.loads(data))
        return messages

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def test_a_stalled_subscriber_is_cut_off_with_a_reason_while_others_get_everything(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(subscriber_buffer=5, send_buffer=8192)
    http = Http(server.http_url)
    await http.data(START_CALL, **call_args("c"))
    pubsub = server.services.pubsub
    stalled = await StalledClient.open(server)
    stalled.send(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": EVENTS, "variables": {"callId": "c", "after": 1}},
        }
    )
    healthy = await GraphQLSocket.open(server.ws_url)
    await healthy.subscribe(EVENTS, callId="c", after=1)
    await eventually(lambda: pubsub.subscriber_count == 2)
    lines = 150

    received: list[int] = []

    async def read_healthy() -> None:
        while len(received) < lines:
            received.append((await healthy.next_data())["callEvents"]["sequence"])

    reading = asyncio.create_task(read_healthy())
    for index in range(lines):
        # Random text: WebSocket compression would squeeze a repeated one to nothing.
        await http.data(LONG_LINE, text=f"{index} {secrets.token_urlsafe(3_000)}")
    await asyncio.wait_for(reading, 30)
    await eventually(lambda: pubsub.subscriber_count == 1)  # the stalled one is gone

    messages = [m for m in await stalled.read_until_complete() if m["type"] not in ("connection_ack", "ping")]
    await stalled.close()
    await healthy.close()
    await http.close()

    assert received == list(range(2, lines + 2))
    assert messages[-1] == {"id": "1", "type": "complete"}
    error = messages[-2]["payload"]["errors"][0]
    assert error["extensions"]["code"] == "SLOW_CONSUMER"
    delivered = [m["payload"]["data"]["callEvents"]["sequence"] for m in messages[:-2]]
    assert delivered == list(range(2, 2 + len(delivered)))
    assert error["extensions"]["lastSequence"] == delivered[-1]
    assert "afterSequence" in error["message"]


async def test_a_stalled_alerts_subscriber_is_cut_off_with_the_sequence_to_resume_after(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(subscriber_buffer=5, send_buffer=8192)
    http = Http(server.http_url)
    await http.data(CREATE_RULE, input=phrases_rule("fire", cooldownSeconds=0))
    await http.data(START_CALL, **call_args("c"))
    pubsub = server.services.pubsub
    stalled = await StalledClient.open(server)
    stalled.send({"id": "1", "type": "subscribe", "payload": {"query": ALERTS, "variables": {"after": 0}}})
    healthy = await GraphQLSocket.open(server.ws_url)
    await healthy.subscribe(ALERTS, after=0)
    await eventually(lambda: pubsub.subscriber_count == 2)
    alerts = 150

    received: list[int] = []

    async def read_healthy() -> None:
        while len(received) < alerts:
            received.append((await healthy.next_data())["alerts"]["sequence"])

    reading = asyncio.create_task(read_healthy())
    for index in range(alerts):
        # Each line raises an alert that carries it (``matched``): a few KB an alert.
        await http.data(LONG_LINE, text=f"fire {index} {secrets.token_urlsafe(3_000)}")
    await asyncio.wait_for(reading, 30)
    await eventually(lambda: pubsub.subscriber_count == 1)

    messages = [m for m in await stalled.read_until_complete() if m["type"] not in ("connection_ack", "ping")]
    await stalled.close()
    await healthy.close()
    await http.close()

    assert received == list(range(1, alerts + 1))
    assert messages[-1] == {"id": "1", "type": "complete"}
    error = messages[-2]["payload"]["errors"][0]
    assert error["extensions"]["code"] == "SLOW_CONSUMER"
    delivered = [m["payload"]["data"]["alerts"]["sequence"] for m in messages[:-2]]
    assert delivered == list(range(1, 1 + len(delivered)))
    assert error["extensions"]["lastSequence"] == delivered[-1]
    assert "afterSequence" in error["message"]
