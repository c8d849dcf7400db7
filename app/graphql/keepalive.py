"""Server pings on graphql-transport-ws.

Strawberry pings only on the legacy graphql-ws protocol ("ka"); on
graphql-transport-ws it never pings, so a proxy or NAT silently drops idle
monitors. The protocol lets either side ping: the server does, at the view's
keep-alive interval, once the connection is acknowledged. One task pings
every connection: a timer task per socket costs more memory than an idle
subscription's whole state.

A ping is written only if the socket takes it at once. uvicorn's WebSocket
protocols make a send wait while the transport's buffer is over its high-water
mark, and a client that stopped reading keeps it there; waiting for it would
hold up the pings of every other connection. A socket with that much queued
for its peer is not idle, so skipping its ping loses nothing; it is pinged
again next round.
"""

import asyncio
from contextlib import suppress
from typing import Protocol, cast

from app.adapters.strawberry import PingMessage, StrawberryTransportWSHandler, TransportConnectionInitMessage

PING = PingMessage({"type": "ping"})


class Pinger:
    """Pings every registered connection each ``interval`` seconds, from one task."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._connections: set[StrawberryTransportWSHandler] = set()
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._connections)

    def add(self, connection: StrawberryTransportWSHandler) -> None:
        self._connections.add(connection)
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def discard(self, connection: StrawberryTransportWSHandler) -> None:
        self._connections.discard(connection)
        if not self._connections and self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            for connection in list(self._connections):
                try:
                    # A send that does not wait finishes before the timeout can fire.
                    async with asyncio.timeout(0):
                        await connection.send_message(PING)
                except TimeoutError:
                    pass  # not taking writes now: not idle either
                except Exception:
                    self._connections.discard(connection)


class PingingView(Protocol):
    pinger: Pinger | None


class PingingTransportWSHandler(StrawberryTransportWSHandler):
    async def handle_connection_init(self, message: TransportConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        pinger = cast(PingingView, self.view).pinger
        if self.connection_acknowledged and pinger is not None:
            pinger.add(self)

    async def shutdown(self) -> None:
        pinger = cast(PingingView, self.view).pinger
        if pinger is not None:
            await pinger.discard(self)
        await super().shutdown()
