"""A real uvicorn server on a loopback port, and real HTTP and WebSocket clients for it.

The server runs in a thread of the test process so tests can look inside it
(subscriber counts, tasks) and inject faults, while every request crosses a
real socket.
"""

import asyncio
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx2
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from app.adapters.uvicorn import header_timeout_protocol, ws_protocol
from app.core.config import Settings
from app.graphql.sharing import SharedResults
from app.main import create_app
from app.services import Services

T = TypeVar("T")


class LiveServer:
    def __init__(self, settings: Settings, *, send_buffer: int | None = None) -> None:
        """``send_buffer`` shrinks the kernel's per-connection send buffer (accepted
        sockets inherit it from the listening one), so a client that stops reading
        blocks the server's sends after a few KB instead of a few MB."""
        self.app = create_app(settings)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if send_buffer is not None:
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        self.listener.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            http=header_timeout_protocol(settings.header_timeout),  # as `python -m app serve`
            ws=ws_protocol(settings.ws_implementation),
        )
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve(sockets=[self.listener]))
        finally:
            self.loop.close()

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            assert self.thread.is_alive(), "server thread died"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.listener.close()

    @property
    def port(self) -> int:
        port: int = self.server.servers[0].sockets[0].getsockname()[1]
        return port

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @property
    def shared_results(self) -> SharedResults:
        results: SharedResults = self.app.state.graphql.shared_results
        return results

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the server's own event loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def task_count(self) -> int:
        return len(asyncio.all_tasks())

    async def task_kinds(self) -> Counter[str]:
        """Running tasks by their coroutine's qualified name, e.g. ``Pinger._run``."""
        return Counter(task.get_coro().__qualname__ for task in asyncio.all_tasks())


class Http:
    """GraphQL over HTTP to a live server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx2.AsyncClient(timeout=30)

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post(self.url, json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.execute(query, **variables)
        assert body.get("errors") is None, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def close(self) -> None:
        await self.client.aclose()


class GraphQLSocket:
    """A GraphQL WebSocket client speaking graphql-transport-ws or the legacy graphql-ws."""

    def __init__(self, connection: ClientConnection, protocol: str) -> None:
        self.connection = connection
        self.protocol = protocol

    @classmethod
    async def open(
        cls,
        url: str,
        protocol: str = "graphql-transport-ws",
        payload: dict[str, Any] | None = None,
        **connect_options: Any,
    ) -> "GraphQLSocket":
        connection = await connect(url, subprotocols=[protocol], **connect_options)  # type: ignore[list-item]
        socket = cls(connection, protocol)
        await socket.send({"type": "connection_init", "payload": payload or {}})
        ack = await socket.receive()
        assert ack["type"] == "connection_ack", ack
        return socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def frame(self, within: float = 10, awaiting: str = "WebSocket message") -> str | bytes:
        """The next message as it came; after ``within`` s a ``TimeoutError`` naming what it awaited
        (a test that waits for silence catches it)."""
        try:
            return await asyncio.wait_for(self.connection.recv(), within)
        except TimeoutError:
            raise TimeoutError(f"no {awaiting} within {within:g} s") from None

    async def receive(self, within: float = 10, awaiting: str = "WebSocket message") -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await self.frame(within, awaiting))
        return message

    async def subscribe(self, query: str, op_id: str = "1", **variables: Any) -> None:
        kind = "subscribe" if self.protocol == "graphql-transport-ws" else "start"
        await self.send({"id": op_id, "type": kind, "payload": {"query": query, "variables": variables}})

    async def next(self, within: float = 10) -> dict[str, Any]:
        """The next message that is not a keep-alive; pings are answered."""
        while True:
            message = await self.receive(within, "message but keep-alives")
            if message["type"] == "ping":
                await self.send({"type": "pong"})
            elif message["type"] != "ka":
                return message

    async def next_data(self, within: float = 10) -> dict[str, Any]:
        message = await self.next(within)
        assert message["type"] in ("next", "data"), message
        payload: dict[str, Any] = message["payload"]
        assert payload.get("errors") is None, payload
        data: dict[str, Any] = payload["data"]
        return data

    async def close(self) -> None:
        await self.connection.close()

    def abort(self) -> None:
        """Drop the TCP connection without a closing handshake, as a lost Wi-Fi does."""
        transport: Any = self.connection.transport
        transport.abort()


async def eventually(check: Callable[[], bool], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)
