"""One execution per event for every subscriber that asked the same question.

A thousand screens following one call send the same subscription document. For
each event graphql-core would collect and complete the same selection set a
thousand times and the transport would encode the same JSON a thousand times.
Subscription resolvers yield a ``Shared`` event instead of a built object; the
executor runs the selection set once per (operation, variables, audience,
event) and every subscriber with that key gets the same result, whose JSON the
transport encodes once (``SharedResults.encoded``).

A result is reused only briefly (``ttl``): nested lists under an event are read
when it is executed, so a subscriber replaying the same event minutes later
gets a fresh execution. Screens following one event run within milliseconds of
each other, so a second is plenty, and at most ``size`` results are held.
"""

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from graphql import ExecutionResult, OperationDefinitionNode

from app.adapters.strawberry import Operation, TransportMessage
from app.auth.principal import Principal
from app.core import json_text
from app.graphql.execution import PlainFieldsExecutor
from app.graphql.keepalive import PingingTransportWSHandler


@dataclass(frozen=True, slots=True)
class Shared:
    """A subscription event as yielded by a resolver: what it is, and how to build it once."""

    identity: Hashable
    build: Callable[[], object]


T = TypeVar("T")


def shared(identity: Hashable, build: Callable[[], T]) -> T:
    """What a subscription resolver yields in place of ``build()``.

    Typed as ``T`` so the resolver keeps its GraphQL return type; the executor
    calls ``build`` only for the first subscriber of a key.
    """
    return cast(T, Shared(identity, build))


def audience(principal: Principal | None) -> Hashable:
    """What about the caller can change a rendered event: the role (masking) and the campaigns."""
    if principal is None:
        return None
    return (principal.role, principal.campaigns)


@dataclass(slots=True)
class _Entry:
    expires: float
    operation: OperationDefinitionNode
    result: "ExecutionResult | asyncio.Future[ExecutionResult]"
    encoded: str | None = None


class SharedResults:
    """Recent subscription results by key, and their ``data`` encoded once."""

    def __init__(self, *, ttl: float = 1.0, size: int = 1_024) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._by_data: dict[int, _Entry] = {}
        self.executions = 0
        self.reuses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def result(
        self,
        key: Hashable,
        operation: OperationDefinitionNode,
        execute: Callable[[], "ExecutionResult | Awaitable[ExecutionResult]"],
    ) -> "ExecutionResult | Awaitable[ExecutionResult]":
        """The result for ``key``: executed now, being executed by another subscriber, or recent."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            self.reuses += 1
            if isinstance(entry.result, asyncio.Future):
                return asyncio.shield(entry.result)
            return entry.result
        self._evict(now)
        self.executions += 1
        outcome = execute()
        if isinstance(outcome, ExecutionResult):
            self._store(key, _Entry(now + self.ttl, operation, outcome))
            return outcome
        # Its own task: the first subscriber leaving must not cancel the others' result.
        future = asyncio.ensure_future(outcome)
        entry = _Entry(now + self.ttl, operation, future)
        self._store(key, entry)
        future.add_done_callback(lambda done: self._settle(key, entry, done))
        return asyncio.shield(future)

    def encoded(self, data: object) -> str | None:
        """``data`` of a shared result as JSON, encoded on first use; ``None`` if not shared."""
        entry = self._by_data.get(id(data))
        if entry is None or isinstance(entry.result, asyncio.Future) or entry.result.data is not data:
            return None
        if entry.encoded is None:
            entry.encoded = json_text.dumps(data)
        return entry.encoded

    def _store(self, key: Hashable, entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._forget(old)
        self._entries[key] = entry
        if isinstance(entry.result, ExecutionResult) and entry.result.data is not None:
            self._by_data[id(entry.result.data)] = entry

    def _settle(self, key: Hashable, entry: _Entry, done: "asyncio.Future[ExecutionResult]") -> None:
        if self._entries.get(key) is not entry:
            return
        if done.cancelled() or done.exception() is not None:
            del self._entries[key]
            return
        entry.result = done.result()
        if entry.result.data is not None:
            self._by_data[id(entry.result.data)] = entry

    def _evict(self, now: float) -> None:
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if entry.expires > now and len(self._entries) < self.size:
                return
            del self._entries[key]
            self._forget(entry)

    def _forget(self, entry: _Entry) -> None:
        if isinstance(entry.result, ExecutionResult) and entry.result.data is not None:
            if self._by_data.get(id(entry.result.data)) is entry:
                del self._by_data[id(entry.result.data)]


@dataclass(slots=True)
class Slot:
    """A graphql-transport-ws operation as its task runs it: where its frames go, and once its
    first shared event was executed, the executor and key that make its results shareable
    (``app.graphql.fanout``)."""

    handler: "SharingTransportWSHandler"
    operation_id: str
    executor: "SharingExecutor | None" = None
    key: Hashable | None = None


SLOT: ContextVar[Slot] = ContextVar("graphql_transport_ws_operation")


class SharingExecutor(PlainFieldsExecutor):
    """The schema's executor: a ``Shared`` subscription event is executed once per key."""

    _share_key: Hashable | None = None

    def build_per_event_executor(self, payload: Any) -> "SharingExecutor":
        if isinstance(payload, Shared) and self._share_key is None:
            variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=str)
            self._share_key = (id(self.operation), variables, audience(self.context_value.principal))
            slot = SLOT.get(None)
            if slot is not None and slot.executor is None:
                slot.executor, slot.key = self, self._share_key
        return cast(SharingExecutor, super().build_per_event_executor(payload))

    def execute_operation(self, serially: bool | None = None) -> Any:
        payload = self.root_value
        if not isinstance(payload, Shared):
            return super().execute_operation(serially)
        results: SharedResults = self.context_value.shared_results

        def execute() -> Any:
            self.root_value = payload.build()
            return super(SharingExecutor, self).execute_operation(serially)

        return results.result((self._share_key, payload.identity), self.operation, execute)


class SharingTransportWSHandler(PingingTransportWSHandler):
    """graphql-transport-ws that writes a shared result's JSON without encoding it again, and
    tells its operations' executors where their frames go (``Slot``)."""

    async def run_operation(self, operation: Operation) -> None:
        SLOT.set(Slot(self, operation.id))  # the operation's own task: nobody else sees it
        await super().run_operation(operation)

    async def send_message(self, message: TransportMessage) -> None:
        if message["type"] == "next" and message["payload"].keys() == {"data"}:
            results: SharedResults = self.context.shared_results
            data = results.encoded(message["payload"]["data"])
            if data is not None:
                frame = f'{{"id":{json.dumps(message["id"])},"type":"next","payload":{{"data":{data}}}}}'
                await self.send_text(frame)
                return
        await super().send_message(message)
