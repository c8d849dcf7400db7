"""Server pings on graphql-transport-ws.

Strawberry pings only on the legacy graphql-ws protocol ("ka"); on
graphql-transport-ws it never pings, so a proxy or NAT silently drops idle
monitors. The protocol lets either side ping: this handler does, at the
view's keep-alive interval, once the connection is acknowledged.
"""

import asyncio
from contextlib import suppress
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    PingMessage,
)


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    _pinger: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        interval = self.view.keep_alive_interval if self.view.keep_alive else None
        if self.connection_acknowledged and self._pinger is None and interval:
            self._pinger = asyncio.create_task(self._ping(interval))

    async def _ping(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.send_message(PingMessage({"type": "ping"}))
            except Exception:
                return

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
            with suppress(asyncio.CancelledError):
                await self._pinger
        await super().shutdown()
