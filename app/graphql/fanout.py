"""The delivery fast path: one task per call writes each event's frame into every screen's socket.

On the normal path each screen's subscription is a task of its own: for every
event it wakes, reads its buffer, yields through graphql-core's and
Strawberry's result handling, and sends. Here a screen that has caught up with
its call (``follow_call``'s handover) joins a ``Group``: the screens whose
results are the same (same operation document, variables and audience, the key
``sharing`` already groups by) under the call's relay (``app.calls.relay``).
For each event the group executes the operation once, with the executor of the
first screen that joined, encodes the result once, and writes each socket's
``next`` frame joined from strings: no task wakes per screen.

Only what is provably shareable takes this path: a graphql-transport-ws
operation whose executor grouped it (``sharing.Slot``) on a subscription
that offers a handover (``callEvents``). Everything else (the legacy
protocol, other subscriptions, a screen still replaying) is delivered as
before; a result with errors is framed as Strawberry frames it.

A screen whose socket does not take a frame at once gets its frames queued;
more than the pub/sub buffer of them and it is let go (SLOW_CONSUMER with the
``lastSequence`` it was sent), exactly as on the normal path.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from functools import lru_cache
from typing import Any

from app.calls.enums import EventType
from app.calls.events import CallLog, Event
from app.calls.relay import CallRelay, CallRelays
from app.calls.streams import Detached
from app.core import json_text
from app.graphql.sharing import SLOT, SharedResults, SharingExecutor, Slot


def _send_at_once(send: Coroutine[Any, Any, None]) -> tuple[bool, Any]:
    """Run ``send`` as far as it goes without waiting: whether it finished, and if not what it
    waits on (a socket over its high-water mark waits for the transport to drain). A send left
    waiting is finished by ``_finish``, as its task would have."""
    try:
        waiting = send.send(None)
    except StopIteration:
        return True, None
    return False, waiting


async def _finish(send: Coroutine[Any, Any, None], waiting: Any) -> None:
    try:
        while True:
            if isinstance(waiting, asyncio.Future):
                await asyncio.wait({waiting})
            else:
                await asyncio.sleep(0)
            try:
                waiting = send.send(None)
            except StopIteration:
                return
    finally:
        send.close()


@lru_cache(maxsize=1_024)
def _prefix(operation_id: str) -> str:
    """A ``next`` frame up to its payload: one string for every screen whose operation is "1"."""
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":'


class Member:
    """One screen in a group: its operation's frame prefix, what it was sent, and its end.

    Its subscription waits on ``ended`` itself (no coroutine of its own: ten thousand idle
    screens hold one each); cancelling the subscription cancels the future, which takes the
    screen out of its group.
    """

    __slots__ = ("_draining", "_pending", "ended", "group", "last", "prefix", "send_now", "slot")

    def __init__(self, group: "Group", slot: Slot, last: int) -> None:
        self.group = group
        self.slot = slot
        self.prefix = _prefix(slot.operation_id)
        self.send_now = slot.handler.text_sender_now()
        self.last = last
        self.ended: asyncio.Future[Detached] = asyncio.get_running_loop().create_future()
        self.ended.add_done_callback(self._left)
        self._pending: list[tuple[str, int]] | None = None
        self._draining: asyncio.Task[None] | None = None

    def send(self, payload: str, seq: int) -> None:
        frame = f"{self.prefix}{payload}}}"
        if self._pending is not None:
            self._pending.append((frame, seq))
            if len(self._pending) > self.group.buffer:
                self.finish("overflow")
            return
        if self.send_now is not None and self.send_now(frame):
            self.last = seq
            return
        send = self.slot.handler.send_text(frame)
        try:
            sent, waiting = _send_at_once(send)
        except Exception:
            self.finish("closed")
            return
        if sent:
            self.last = seq
            return
        self._pending = []
        self._draining = asyncio.create_task(self._drain(send, waiting, seq))

    async def _drain(self, send: Coroutine[Any, Any, None], waiting: Any, seq: int) -> None:
        try:
            await _finish(send, waiting)
            self.last = seq
            while self._pending:
                frame, seq = self._pending.pop(0)
                await self.slot.handler.send_text(frame)
                self.last = seq
            self._pending = None
        except asyncio.CancelledError:
            raise
        except Exception:
            self.finish("closed")

    def finish(self, reason: str, *, keep_draining: bool = False) -> None:
        """Let the screen go; its subscription ends or raises with ``last``. With
        ``keep_draining`` (the call ended) the frames on their way go first: the complete
        message follows them."""
        self.group.remove(self)
        draining = self._draining
        if keep_draining and draining is not None and not draining.done():
            draining.add_done_callback(lambda _: self._settle(reason))
            return
        if draining is not None:
            draining.cancel()
        self._settle(reason)

    def _settle(self, reason: str) -> None:
        if not self.ended.done():
            self.ended.set_result(Detached(reason, self.last))  # type: ignore[arg-type]

    def _left(self, ended: "asyncio.Future[Detached]") -> None:
        if ended.cancelled():
            self.group.remove(self)
            if self._draining is not None:
                self._draining.cancel()


class Group:
    """The screens of one call whose results are the same; a sink of the call's relay."""

    def __init__(
        self,
        relay: CallRelay,
        key: Hashable,
        slot: Slot,
        executor: SharingExecutor,
        make: Callable[[Event], object],
        buffer: int,
    ) -> None:
        self.relay = relay
        self.key = key
        self.executor = executor
        self.results: SharedResults = executor.context_value.shared_results
        self.schema = slot.handler.schema
        self.make = make
        self.buffer = buffer
        self.members: dict[Member, None] = {}

    def __len__(self) -> int:
        return len(self.members)

    def remove(self, member: Member) -> None:
        if member in self.members:
            del self.members[member]
            if not self.members:
                self.relay.leave(self.key)

    async def deliver(self, event: Event) -> None:
        targets = [member for member in self.members if member.last < event.seq]
        if targets:
            payload = await self._payload(event)
            self.results.reuses += len(targets) - 1  # one execution, as many screens
            for member in targets:
                member.send(payload, event.seq)
        if event.type is EventType.CALL_ENDED:
            for member in list(self.members):
                member.finish("ended", keep_draining=True)

    def ended(self, *, shutting_down: bool) -> None:
        for member in list(self.members):
            member.finish("closed" if shutting_down else "ended", keep_draining=not shutting_down)

    async def _payload(self, event: Event) -> str:
        outcome = self.executor.build_per_event_executor(self.make(event)).execute_operation(False)
        result = await outcome if self.executor.is_awaitable(outcome) else outcome
        if result.errors:
            self.schema.process_errors(result.errors)
            errors = [error.formatted for error in result.errors]
            return json_text.dumps({"data": result.data, "errors": errors})
        data = self.results.encoded(result.data)
        return f'{{"data":{data if data is not None else json_text.dumps(result.data)}}}'


class FastPath:
    """The ``follow_call`` handover of one subscription resolver: joins its group if it can."""

    def __init__(self, relays: CallRelays, make: Callable[[Event], object], buffer: int) -> None:
        self.relays = relays
        self.make = make
        self.buffer = buffer

    async def __call__(self, call: CallLog, last: int) -> Awaitable[Detached] | None:
        slot = SLOT.get(None)
        if slot is None or slot.executor is None:
            return None
        relay = await self.relays.relay(call, last)
        if relay is None:
            return None
        group = relay.sinks.get(slot.key)
        if not isinstance(group, Group):
            group = Group(relay, slot.key, slot, slot.executor, self.make, self.buffer)
            relay.sinks[slot.key] = group
        member = Member(group, slot, last)
        group.members[member] = None
        return member.ended
