"""The connection handlers of both WebSocket protocols, with the bounds Strawberry leaves open.

Written against strawberry-graphql 0.341 (see PITFALLS.md):

- On both, an operation over ``max_subscriptions_per_connection`` gets an error
  with ``extensions.code`` TOO_MANY_SUBSCRIPTIONS (Strawberry sends a bare
  "Subscription limit reached").
- On the legacy graphql-ws, a socket that sends no ``connection_init`` within
  the view's ``connection_init_wait_timeout`` is closed with 4408, as
  graphql-transport-ws does (Strawberry times out only graphql-transport-ws);
  a refused ``connection_init`` gets ``connection_error``, then close 4403
  (Strawberry closes with 1011, internal error); a second ``connection_init``
  closes with 4429 (Strawberry acknowledges each one and starts one more
  keep-alive task for it, which nothing stops).
- On graphql-transport-ws, a query or mutation that has run before is run from its record
  (``app.graphql.prepared``), without Strawberry's per-request phases.
"""

import asyncio
from contextlib import suppress
from typing import cast

from graphql import GraphQLFormattedError
from starlette.websockets import WebSocketDisconnect
from strawberry import Schema
from strawberry.exceptions import ConnectionRejectionError

from app.adapters.strawberry import (
    LegacyConnectionInitMessage,
    Operation,
    StartMessage,
    StrawberryLegacyWSHandler,
    SubscribeMessage,
    UnsetType,
)
from app.graphql.prepared import prepared_for, run_prepared
from app.graphql.sharing import SharingTransportWSHandler

TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"


def limit_error(limit: int) -> GraphQLFormattedError:
    return {
        "message": f"Subscription limit reached: at most {limit} operations at once on one WebSocket",
        "extensions": {"code": TOO_MANY_SUBSCRIPTIONS},
    }


class TransportWSHandler(SharingTransportWSHandler):
    """graphql-transport-ws: shared results, server pings, a coded subscription limit, and
    prepared queries and mutations."""

    async def run_operation(self, operation: Operation) -> None:
        prepared = prepared_for(self.context, operation.query, operation.operation_name)
        if prepared is None:
            await super().run_operation(operation)
            return
        try:
            result, refused = await run_prepared(
                cast(Schema, self.schema),
                self.context,
                prepared,
                operation.variables,
                operation.operation_name,
            )
            if refused:  # what Strawberry's stream answers a refusal before execution with
                await operation.send_initial_errors(result.errors or [])
            else:
                await operation.send_next(result)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except Exception as error:  # as Strawberry's run_operation: logged, then completed
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            await self.send_message({"id": message["id"], "type": "error", "payload": [limit_error(limit)]})
            return
        await super().handle_subscribe(message)


class LegacyWSHandler(StrawberryLegacyWSHandler):
    """graphql-ws: an init timeout, documented close codes, and a coded subscription limit."""

    _init_timer: asyncio.TimerHandle | None = None
    _timeout_close: "asyncio.Task[None] | None" = None
    _init_received = False

    async def handle(self) -> None:
        delay = self.view.connection_init_wait_timeout.total_seconds()
        # A timer, not a task: it is all an idle connection carries until it initialises.
        self._init_timer = asyncio.get_running_loop().call_later(delay, self._init_timed_out)
        try:
            await super().handle()
        finally:
            self._cancel_init_timer()
            if self._timeout_close is not None:
                await self._timeout_close

    def _init_timed_out(self) -> None:
        self._init_timer = None
        if not self._init_received:
            self._timeout_close = asyncio.create_task(self._close_for_timeout())

    async def _close_for_timeout(self) -> None:
        with suppress(RuntimeError, WebSocketDisconnect):  # the client left at the same moment
            await self.websocket.close(code=4408, reason="Connection initialisation timeout")

    def _cancel_init_timer(self) -> None:
        if self._init_timer is not None:
            self._init_timer.cancel()
            self._init_timer = None

    async def handle_connection_init(self, message: LegacyConnectionInitMessage) -> None:
        # Strawberry's own steps, with other close codes and one init per socket.
        if self._timeout_close is not None:
            return  # timed out: the close is on its way
        if self._init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self._init_received = True
        self._cancel_init_timer()
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            await self.send_message({"type": "connection_error"})
            await self.websocket.close(code=1000, reason="")
            return
        self.context.connection_params = payload
        try:
            ack_payload = await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError as error:
            await self.send_message({"type": "connection_error", "payload": error.payload})
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        if isinstance(ack_payload, UnsetType) or ack_payload is None:
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": ack_payload})
        self.connection_acknowledged = True
        if self.keep_alive:
            self.keep_alive_task = asyncio.create_task(self.handle_keep_alive())

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.tasks
            and len(self.tasks) >= limit
        ):
            await self.send_message({"type": "error", "id": message["id"], "payload": limit_error(limit)})
            return
        await super().handle_start(message)
