"""Hostile sockets are held to a bound: they never initialise, stop reading, open too many
operations or never finish their request headers, and every other client is served as before."""

import asyncio
import base64
import contextlib
import json
import secrets
import socket as sockets
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from app.core.config import Settings
from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer, eventually
from tests.processes import ServerProcess

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
EVENTS = """
subscription($callId: String!) {
  callEvents(callId: $callId, afterSequence: 0) {
    sequence
    ... on TranscriptAddedEvent { transcript { text } }
  }
}
"""
LONG_LINE = """
mutation($text: String!) {
  addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: $text, isFinal: true) { order }
}
"""
BOARD = "subscription { liveCalls { type } }"


async def _closed(connection: ClientConnection, within: float) -> tuple[int | None, list[dict[str, Any]]]:
    """Read until the server closes: its close code, and the messages it sent first."""
    messages: list[dict[str, Any]] = []
    with contextlib.suppress(ConnectionClosed):
        while True:
            messages.append(json.loads(await asyncio.wait_for(connection.recv(), within)))
    return connection.close_code, messages


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_socket_that_never_sends_connection_init_is_closed_with_4408_after_the_init_timeout(
    start_server: Callable[..., LiveServer], protocol: str
) -> None:
    server = start_server(connection_init_timeout=0.5)
    connection = await connect(server.ws_url, subprotocols=[Subprotocol(protocol)])
    try:
        started = time.monotonic()
        code, messages = await _closed(connection, within=3)
    finally:
        await connection.close()

    assert (code, messages) == (4408, [])
    assert time.monotonic() - started >= 0.4


async def test_a_bad_token_on_legacy_graphql_ws_gets_connection_error_then_close_4403(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr("s" * 32))
    connection = await connect(server.ws_url, subprotocols=[Subprotocol("graphql-ws")])
    try:
        await connection.send(json.dumps({"type": "connection_init", "payload": {"token": "not-a-jwt"}}))
        code, messages = await _closed(connection, within=3)
    finally:
        await connection.close()

    assert [message["type"] for message in messages] == ["connection_error"]
    assert messages[0]["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
    assert code == 4403


async def test_a_second_connection_init_on_legacy_graphql_ws_closes_with_4429(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server()
    socket = await GraphQLSocket.open(server.ws_url, protocol="graphql-ws")
    try:
        await socket.send({"type": "connection_init", "payload": {}})
        code, messages = await _closed(socket.connection, within=3)
    finally:
        await socket.close()

    assert [message for message in messages if message["type"] != "ka"] == []
    assert code == 4429


class StalledSocket:
    """A GraphQL WebSocket client that subscribes, then never reads again.

    A raw socket with a tiny receive buffer: client libraries keep reading into
    their own buffers behind the application's back.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, server: LiveServer, protocol: str) -> "StalledSocket":
        raw = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
        try:
            raw.connect(("127.0.0.1", server.port))
            reader, writer = await asyncio.open_connection(sock=raw, limit=4096)
        except BaseException:
            raw.close()
            raise
        client = cls(reader, writer)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        writer.write(
            "GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: {protocol}\r\n\r\n".encode()
        )
        try:
            assert (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).startswith(b"HTTP/1.1 101")
        except BaseException:
            await client.close()
            raise
        client.send({"type": "connection_init", "payload": {}})
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        client.send({"id": "1", "type": kind, "payload": {"query": EVENTS, "variables": {"callId": "c"}}})
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

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def _keep_alives_after_a_client_stalls(server: LiveServer, protocol: str) -> list[str]:
    """Stall one subscriber's socket, then collect the keep-alives a healthy socket gets in 1 s."""
    http = Http(server.http_url)
    stalled: StalledSocket | None = None
    healthy: GraphQLSocket | None = None
    try:
        await http.data(START_CALL, **call_args("c"))
        stalled = await StalledSocket.open(server, protocol)
        healthy = await GraphQLSocket.open(server.ws_url, protocol=protocol)
        await eventually(lambda: server.services.pubsub.subscriber_count == 1)
        # ~240 KB for the stalled socket: more than its kernel buffers and the transport's
        # high-water mark hold, so the server's writes to it wait. Random text: compression
        # would squeeze a repeated one.
        for index in range(80):
            await http.data(LONG_LINE, text=f"{index} {secrets.token_urlsafe(3_000)}")
        await asyncio.sleep(0.5)  # a few ping rounds meet the stalled socket
        with contextlib.suppress(TimeoutError):
            while True:  # what was sent before now
                await healthy.receive(within=0.05)
        received: list[str] = []
        deadline = time.monotonic() + 1
        with contextlib.suppress(TimeoutError):
            while (left := deadline - time.monotonic()) > 0:
                received.append((await healthy.receive(within=left))["type"])
        return received
    finally:
        if healthy is not None:
            await healthy.close()
        if stalled is not None:
            await stalled.close()
        await http.close()


async def test_a_client_that_stops_reading_does_not_stop_server_pings_to_others(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(keep_alive_interval=0.1, send_buffer=8192)

    received = await _keep_alives_after_a_client_stalls(server, "graphql-transport-ws")

    assert received.count("ping") >= 5, received


async def test_a_client_that_stops_reading_does_not_stop_legacy_keep_alives_to_others(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(keep_alive_interval=0.1, send_buffer=8192)

    received = await _keep_alives_after_a_client_stalls(server, "graphql-ws")

    assert received.count("ka") >= 5, received


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_operation_over_the_per_socket_limit_gets_an_error_coded_too_many_subscriptions(
    start_server: Callable[..., LiveServer], protocol: str
) -> None:
    server = start_server()
    socket = await GraphQLSocket.open(server.ws_url, protocol=protocol)
    try:
        for op_id in range(100):
            await socket.subscribe(BOARD, op_id=str(op_id))
        await socket.subscribe(BOARD, op_id="over")
        message = await socket.next(within=5)
    finally:
        await socket.close()

    assert (message["id"], message["type"]) == ("over", "error")
    error = message["payload"][0] if protocol == "graphql-transport-ws" else message["payload"]
    assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert "100" in error["message"]


def _closed_within(port: int, requests: list[bytes], within: float) -> tuple[bytes, float]:
    """Send ``requests`` one after the other, each after the answer to the one before, then
    read until the server closes: everything that came back, and how long after the last send."""
    with sockets.create_connection(("127.0.0.1", port), timeout=within) as raw:
        received = b""
        for answers, request in enumerate(requests):
            while received.count(b"HTTP/1.1 ") < answers:
                chunk = raw.recv(65536)
                assert chunk, f"closed before answer {answers}: {received!r}"
                received += chunk
            raw.sendall(request)
        started = time.monotonic()
        while chunk := raw.recv(65536):
            received += chunk
        return received, time.monotonic() - started


def test_serve_closes_a_connection_whose_request_headers_never_complete(
    settings: Settings, tmp_path: Path
) -> None:
    env = {"HEADER_TIMEOUT": "1"}
    server = ServerProcess(settings.database_url, log=tmp_path / "server.log", env=env).start()
    try:
        received, seconds = _closed_within(server.port, [b"GET /healthz HTTP/1.1\r\nHost: x\r\n"], within=5)
    finally:
        server.stop()

    assert received == b""
    assert 0.8 <= seconds < 3


async def test_a_keep_alive_connection_whose_next_request_headers_stall_is_closed(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(header_timeout=0.5)
    answered = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    stalled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"

    received, seconds = await asyncio.to_thread(_closed_within, server.port, [answered, stalled], 8)

    assert received.startswith(b"HTTP/1.1 200") and received.count(b"HTTP/1.1") == 1
    assert seconds < 2


async def test_a_websocket_outlives_the_header_timeout(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(header_timeout=0.2, keep_alive_interval=0.1)
    socket = await GraphQLSocket.open(server.ws_url)
    try:
        await asyncio.sleep(0.6)
        await socket.subscribe(BOARD)
        message = await socket.receive(within=2)
    finally:
        await socket.close()

    assert message == {"type": "ping"}


async def test_a_query_over_legacy_graphql_ws_is_a_bad_request_not_a_server_error(
    live_server: LiveServer,
) -> None:
    socket = await GraphQLSocket.open(live_server.ws_url, "graphql-ws")
    try:
        await socket.subscribe("{ liveCalls { callId } }")
        answer = await socket.next()
    finally:
        await socket.close()

    assert answer["type"] == "error"
    assert answer["payload"]["extensions"] == {"code": "BAD_REQUEST"}
    assert "graphql-ws runs subscriptions only" in answer["payload"]["message"]


def _post_head(length: int) -> bytes:
    return (
        f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


async def test_a_request_body_that_stops_arriving_is_a_408_and_the_connection_closes(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(body_timeout=0.5)
    body = b'{"query": "{ __typename }"}'
    trickled = _post_head(len(body)) + body[:10]

    received, seconds = await asyncio.to_thread(_closed_within, server.port, [trickled], 8)

    head, _, answer = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408") and b"connection: close" in head.lower()
    assert json.loads(answer)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert 0.4 <= seconds < 3


async def test_a_body_sent_in_pieces_within_the_body_timeout_runs(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(body_timeout=2)
    body = b'{"query": "{ __typename }"}'

    def send_in_two() -> bytes:
        with sockets.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(_post_head(len(body)) + body[:10])
            time.sleep(0.3)
            raw.sendall(body[10:])
            answer = b""
            while b"}}" not in answer and (chunk := raw.recv(65536)):
                answer += chunk
            return answer

    answer = await asyncio.to_thread(send_in_two)

    assert answer.startswith(b"HTTP/1.1 200") and b'"__typename":"Query"' in answer
