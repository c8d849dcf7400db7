"""The uvicorn internals app/adapters/uvicorn.py relies on, as of uvicorn 0.54.0 (httptools 0.9.0,
wsproto 1.3.2).

If one of these fails after upgrading uvicorn, re-read
uvicorn/protocols/http/httptools_impl.py and .../websockets/wsproto_impl.py and adjust the
adapter; the end-to-end behaviour is in tests/e2e/test_hostile_connections.py (and every
WebSocket test, which runs on the lean protocol).
"""

import asyncio
import inspect
import pickle
import socket
from typing import Any

import uvicorn
import wsproto
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from uvicorn.server import ServerState
from websockets.asyncio.client import connect
from wsproto import WSConnection
from wsproto.connection import Connection

from app.adapters.uvicorn import (
    HeaderTimeoutProtocol,
    LeanWSProtocol,
    header_timeout_protocol,
    text_sender_now,
    ws_protocol,
)
from tests.adapters.versions import assert_tested

WRITTEN_FOR = "0.54.0"
INTERNALS = "HttpToolsProtocol's constructor, callbacks, loop and transport"


async def _app(scope: object, receive: object, send: object) -> None:
    pass


def test_uvicorn_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("uvicorn", f">={WRITTEN_FOR},<0.55", internals=INTERNALS)


def test_httptools_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("httptools", ">=0.9.0,<0.10", internals=INTERNALS)


def test_uvicorn_serves_http_with_httptools_by_default() -> None:
    config = uvicorn.Config(_app)
    config.load()

    assert config.http_protocol_class is HttpToolsProtocol, f"written for uvicorn {WRITTEN_FOR}"


def test_httptools_protocol_still_has_the_callbacks_and_constructor_the_adapter_overrides() -> None:
    own = vars(HttpToolsProtocol)
    callbacks = [
        "connection_made",
        "connection_lost",
        "on_message_begin",
        "on_headers_complete",
        "handle_websocket_upgrade",
    ]
    parameters = list(inspect.signature(HttpToolsProtocol.__init__).parameters)

    assert [name for name in callbacks if name not in own] == [], f"written for uvicorn {WRITTEN_FOR}"
    assert parameters == ["self", "config", "server_state", "app_state", "_loop"], WRITTEN_FOR


async def test_uvicorn_builds_the_adapter_from_its_config() -> None:
    config = uvicorn.Config(_app, http=header_timeout_protocol(3))
    config.load()
    loop = asyncio.get_running_loop()

    protocol = config.http_protocol_class(  # type: ignore[call-arg]
        config=config, server_state=ServerState(), app_state={}, _loop=loop
    )

    assert isinstance(protocol, HeaderTimeoutProtocol)
    assert (protocol.loop, protocol.header_timeout) == (loop, 3), f"written for uvicorn {WRITTEN_FOR}"


def test_the_protocol_factory_survives_pickling_into_worker_processes() -> None:
    factory = pickle.loads(pickle.dumps(header_timeout_protocol(3)))

    assert factory.func is HeaderTimeoutProtocol  # type: ignore[attr-defined]
    assert factory.keywords == {"header_timeout": 3}  # type: ignore[attr-defined]


WSPROTO_INTERNALS = (
    "WSProtocol's constructor, queue, writable, conn, send, handle_connect's scope, handshake_complete, "
    "close_sent, response_started, disconnected and transport; WSConnection.connection"
)


def test_wsproto_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("wsproto", ">=1.3.2,<2", internals=WSPROTO_INTERNALS)


async def test_wsproto_protocol_still_has_the_constructor_and_state_the_lean_one_replaces() -> None:
    config = uvicorn.Config(_app)
    config.load()
    protocol = WSProtocol(config=config, server_state=ServerState(), app_state={})
    parameters = list(inspect.signature(WSProtocol.__init__).parameters)

    assert parameters == ["self", "config", "server_state", "app_state", "_loop"], WRITTEN_FOR
    assert isinstance(protocol.queue, asyncio.Queue), f"written for uvicorn {WRITTEN_FOR}"
    assert isinstance(protocol.writable, asyncio.Event), f"written for uvicorn {WRITTEN_FOR}"
    assert isinstance(protocol.conn, WSConnection), f"written for uvicorn {WRITTEN_FOR}"


def test_ws_protocol_is_the_lean_one_for_wsproto_only() -> None:
    assert ws_protocol("wsproto") is LeanWSProtocol
    assert ws_protocol("websockets") == "websockets"


async def _echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "websocket"
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"]})


async def test_an_accepted_lean_connection_keeps_only_wsprotos_established_connection() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(_echo, ws=ws_protocol("wsproto"), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:  # the socket listens already: the client's connection waits in its backlog
        async with connect(f"ws://127.0.0.1:{listener.getsockname()[1]}/") as client:
            replies = []
            for text in ("one", "two"):
                await client.send(text)
                replies.append(await client.recv())
            (protocol,) = server.server_state.connections

            assert replies == ["one", "two"]
            assert isinstance(protocol, LeanWSProtocol)
            assert type(protocol.conn) is Connection, f"written for wsproto {wsproto.__version__}"
            assert protocol.queue.empty() and protocol.writable.is_set()
    finally:
        server.should_exit = True
        await serving


async def _sends_now(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accepts, then answers each message with ``send_text_now``'s verdicts as the socket changes."""
    send_now = text_sender_now(scope)
    assert send_now is not None
    assert (await receive())["type"] == "websocket.connect"
    before_accept = send_now("too early")
    await send({"type": "websocket.accept"})
    await receive()
    sent = send_now("written at once")
    await send({"type": "websocket.send", "text": f"before accept {before_accept}, after {sent}"})
    await receive()
    (protocol,) = scope["state"]["connections"]
    protocol.writable.clear()  # the transport's buffer over its high-water mark
    blocked = send_now("must wait")
    protocol.writable.set()
    await send({"type": "websocket.send", "text": f"blocked {blocked}"})
    await send({"type": "websocket.close", "code": 1000})
    scope["state"]["after close"] = send_now("after close")


async def test_send_text_now_writes_an_accepted_open_sockets_frame_and_declines_otherwise() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    state: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["state"] = state
        state["connections"] = list(server.server_state.connections)
        await _sends_now(scope, receive, send)

    config = uvicorn.Config(app, ws=ws_protocol("wsproto"), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with connect(f"ws://127.0.0.1:{listener.getsockname()[1]}/") as client:
            await client.send("go")
            frames = [await client.recv(), await client.recv()]
            await client.send("go")
            frames.append(await client.recv())
            await client.wait_closed()
        await asyncio.sleep(0.05)

        assert frames == ["written at once", "before accept False, after True", "blocked False"]
        assert state["after close"] is False
    finally:
        server.should_exit = True
        await serving


def test_other_servers_offer_no_send_text_now() -> None:
    assert text_sender_now({"type": "websocket", "extensions": {"websocket.http.response": {}}}) is None
    assert text_sender_now({"type": "websocket"}) is None
