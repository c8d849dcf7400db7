"""The fan-out floor: a bare Starlette endpoint writing one pre-encoded ``next`` frame to every socket.

It speaks just enough graphql-transport-ws for the benchmark's clients
(``connection_init`` → ``connection_ack``, ``subscribe`` → a first event, ``ping`` → ``pong``,
``complete``) and takes the lines benchmark 3 POSTs. Each line is numbered, its
event (and, when it carries a sentiment, a second one, as the API publishes)
encoded once, and one task writes the frame, joined from bytes, into every
socket in turn. No GraphQL, no database, no pub/sub, no authentication: what
any WebSocket fan-out on this stack costs at least. Served by uvicorn with the
API's settings (``bench.servers.reference_server``: wsproto, httptools, uvloop).
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


class Hub:
    """Every subscribed socket, and one task delivering each queued event to all of them."""

    def __init__(self) -> None:
        self.sockets: dict[WebSocket, str] = {}
        self.events: asyncio.Queue[str] = asyncio.Queue()
        self.sequence = 1
        self.order = 0

    def event(self, kind: str, detail: str) -> str:
        self.sequence += 1
        at = datetime.now(UTC).isoformat()
        return (
            f'{{"data": {{"callEvents": {{"sequence": {self.sequence}, "type": "{kind}", '
            f'"occurredAt": "{at}"{detail}}}}}}}'
        )

    async def deliver(self) -> None:
        while True:
            payload = await self.events.get()
            for socket, operation in list(self.sockets.items()):
                frame = f'{{"id":"{operation}","type":"next","payload":{payload}}}'
                try:
                    await socket.send_text(frame)
                except (WebSocketDisconnect, RuntimeError):
                    self.sockets.pop(socket, None)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    hub = app.state.hub = Hub()
    delivering = asyncio.create_task(hub.deliver())
    yield
    delivering.cancel()
    with suppress(asyncio.CancelledError):
        await delivering


async def subscribe(socket: WebSocket) -> None:
    hub: Hub = socket.app.state.hub
    await socket.accept(subprotocol="graphql-transport-ws")
    try:
        while True:
            message = json.loads(await socket.receive_text())
            kind = message.get("type")
            if kind == "connection_init":
                await socket.send_text('{"type":"connection_ack"}')
            elif kind == "ping":
                await socket.send_text('{"type":"pong"}')
            elif kind == "subscribe":
                operation = message["id"]
                started = hub.event("CALL_STARTED", "")
                await socket.send_text(f'{{"id":"{operation}","type":"next","payload":{started}}}')
                hub.sockets[socket] = operation
            elif kind == "complete":
                hub.sockets.pop(socket, None)
    except WebSocketDisconnect:
        pass
    finally:
        hub.sockets.pop(socket, None)


async def add_line(request: Request) -> JSONResponse:
    hub: Hub = request.app.state.hub
    variables = (await request.json())["variables"]
    hub.order += 1
    sentiment = variables.get("sentiment")
    line = {"order": hub.order, "speaker": variables["speaker"], "text": variables["text"]}
    transcript = json.dumps({**line, "sentiment": sentiment})
    hub.events.put_nowait(hub.event("TRANSCRIPT_ADDED", f', "transcript": {transcript}'))
    if sentiment is not None:
        hub.events.put_nowait(
            hub.event("SENTIMENT_UPDATED", ', "sentiment": {"positivePercentage": 50.0, "trend": "STABLE"}')
        )
    return JSONResponse({"data": {"addTranscriptEntry": {**line, "sentiment": sentiment}}})


app = Starlette(
    routes=[Route("/graphql", add_line, methods=["POST"]), WebSocketRoute("/graphql", subscribe)],
    lifespan=lifespan,
)
