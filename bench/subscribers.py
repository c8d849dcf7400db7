"""Client processes holding many GraphQL subscriptions over WebSocket.

Subscribers run in their own processes so the server under test keeps a
core (the machine has two) and so 10,000 sockets fit within each process's
file-descriptor limit. Each process opens its share of subscriptions, one
WebSocket per subscription (one supervisor's screen each), speaking
graphql-transport-ws; a subscription counts as ready once its first event
(the replayed CALL_STARTED) arrives, which proves the server's feed is live.

Receipt times are ``time.monotonic()``, the system-wide CLOCK_MONOTONIC on
Linux, so they compare directly with the writer's clock in another process.

A client parses as little as it can: a ``next`` frame is counted and its
transcript line's order read with one regular expression; only short frames
(acknowledgements, pings) and frames with errors are decoded as JSON. Each
process reports how much of a core it used between ``mark`` and ``collect``,
so the table can say the clients were not the bottleneck.
"""

import asyncio
import json
import multiprocessing
import re
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench.api import authorization

OPENING_AT_ONCE = 16
"""Subscriptions being set up at once per process, from handshake to first event."""

_ORDER = re.compile(r'"transcript": ?\{"order": ?(\d+)(, ?"isFinal": ?false)?')
"""A line's order; an interim line (selected with ``isFinal`` right after ``order``) is not counted."""
_SHORT = 100
"""Frames shorter than this are control messages (or the odd tiny event): decoded in full."""


def raise_fd_limit() -> int:
    """Lift this process's open-file limit to the hard limit; returns the new soft limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


@dataclass(frozen=True)
class Share:
    """What one client process opens: ``count`` subscriptions round-robin over ``call_ids``."""

    url: str
    token: str | None
    query: str
    call_ids: Sequence[str]
    """Round-robin ``callId`` variables; empty for a document without one (the board)."""
    count: int
    first: int = 0
    """Index of this share's first subscription across all processes (spreads calls evenly)."""
    ready_on_first: bool = True
    """Ready once the first event arrived (a replay or the call's state); else once subscribed."""
    shows_lines: bool = True
    """Its frames carry transcript lines, so ``collect`` waits for them to arrive."""


Line = tuple[str, int]
"""A transcript line: its call and its order."""


@dataclass
class Receipts:
    """When each transcript line reached this process's last subscriber, and how many."""

    latest: dict[Line, float] = field(default_factory=dict)
    count: dict[Line, int] = field(default_factory=dict)
    dropped: int = 0
    """Subscriptions the server ended as too slow (SLOW_CONSUMER): it was too busy to feed them."""
    frames: int = 0
    """``next`` frames received since the last ``mark``."""
    busy: list[float] = field(default_factory=list)
    """Each client process's CPU time over wall time since the last ``mark`` (1.0 is a whole core)."""

    def record(self, line: Line, at: float) -> None:
        self.latest[line] = max(at, self.latest.get(line, at))
        self.count[line] = self.count.get(line, 0) + 1

    def merge(self, other: "Receipts") -> None:
        for line, at in other.latest.items():
            self.latest[line] = max(at, self.latest.get(line, at))
            self.count[line] = self.count.get(line, 0) + other.count[line]
        self.dropped += other.dropped
        self.frames += other.frames
        self.busy.extend(other.busy)

    def busiest(self) -> str:
        """How busy the client processes were, for the table."""
        if not self.busy:
            return "clients idle"
        return f"client processes at {max(self.busy):.0%} of a core at most ({len(self.busy)} processes)"


async def _open(share: Share, index: int) -> tuple[ClientConnection, str]:
    socket = await connect(
        share.url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        ping_interval=None,
        open_timeout=120,
        max_size=None,
    )
    await socket.send(json.dumps({"type": "connection_init", "payload": authorization(share.token)}))
    ack = json.loads(await socket.recv())
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"expected connection_ack, got {ack}")
    call_id = share.call_ids[index % len(share.call_ids)] if share.call_ids else ""
    payload = {"query": share.query, "variables": {"callId": call_id} if call_id else {}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return socket, call_id


async def _follow(
    socket: ClientConnection, call_id: str, ready: Callable[[], None] | None, receipts: Receipts
) -> None:
    """Record each transcript line's arrival; ends only if the server drops us as too slow."""
    async for raw in socket:
        at = time.monotonic()
        if not isinstance(raw, str):
            raise RuntimeError("binary frame from the server")
        if len(raw) < _SHORT or '"errors"' in raw:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await socket.send('{"type":"pong"}')
                continue
            if kind == "pong":
                continue
            if kind != "next":
                raise RuntimeError(f"unexpected message: {message}")
            errors = message["payload"].get("errors")
            if errors:
                codes = {error.get("extensions", {}).get("code") for error in errors}
                if codes == {"SLOW_CONSUMER"}:
                    receipts.dropped += 1
                    return
                raise RuntimeError(f"subscription error: {errors}")
        receipts.frames += 1
        if ready is not None:
            ready()
            ready = None
        found = _ORDER.search(raw)
        if found is not None and found[2] is None:
            receipts.record((call_id, int(found[1])), at)
    raise RuntimeError(f"server closed the subscription ({socket.close_code} {socket.close_reason})")


async def _subscriber(
    share: Share, index: int, gate: asyncio.Semaphore, ready: Callable[[], None], receipts: Receipts
) -> None:
    """One subscription; it holds a place at the ``gate`` until its first event has arrived."""
    await gate.acquire()
    opening = True

    def opened() -> None:
        nonlocal opening
        opening = False
        gate.release()
        ready()

    try:
        socket, call_id = await _open(share, index)
        try:
            if not share.ready_on_first:
                opened()
            await _follow(socket, call_id, opened if share.ready_on_first else None, receipts)
        finally:
            await socket.close()
    finally:
        if opening:
            gate.release()


async def _client(shares: Sequence[Share], commands: Connection) -> None:
    loop = asyncio.get_running_loop()
    receipts = Receipts()
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    total = remaining = sum(share.count for share in shares)
    all_ready = asyncio.Event()
    marked = (time.process_time(), time.monotonic())
    expected: dict[str, int] = {}
    for share in shares:
        for n in range(share.count if share.shows_lines and share.call_ids else 0):
            call_id = share.call_ids[(share.first + n) % len(share.call_ids)]
            expected[call_id] = expected.get(call_id, 0) + 1

    def ready() -> None:
        nonlocal remaining
        remaining -= 1
        if not remaining:
            all_ready.set()

    tasks = [
        asyncio.create_task(_subscriber(share, share.first + n, gate, ready, receipts))
        for share in shares
        for n in range(share.count)
    ]
    if not tasks:
        all_ready.set()
    try:
        waiting = asyncio.ensure_future(all_ready.wait())
        await asyncio.wait({waiting, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        _raise_failure(tasks)
        commands.send(("ready", total))
        while True:
            command, argument = await loop.run_in_executor(None, commands.recv)
            if command == "mark":
                receipts.frames = 0
                marked = (time.process_time(), time.monotonic())
                commands.send(("marked", None))
            elif command == "collect":
                deadline = time.monotonic() + argument["timeout"]
                while time.monotonic() < deadline and any(
                    receipts.count.get(line, 0) < expected.get(line[0], 0) - receipts.dropped
                    for line in argument["lines"]
                ):
                    _raise_failure(tasks)
                    await asyncio.sleep(0.05)
                cpu, wall = time.process_time() - marked[0], time.monotonic() - marked[1]
                receipts.busy = [cpu / max(wall, 1e-9)]
                commands.send(("receipts", receipts))
            elif command == "stop":
                return
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _raise_failure(tasks: Sequence[asyncio.Task[None]]) -> None:
    """Re-raise the first subscriber that failed (one dropped as too slow has not failed)."""
    for task in tasks:
        if task.done():
            task.result()


def _main(shares: Sequence[Share], commands: Connection) -> None:
    raise_fd_limit()
    try:
        uvloop.run(_client(shares, commands))
    except BaseException as error:
        commands.send(("error", f"{type(error).__name__}: {error}"))
        raise
    commands.send(("stopped", None))


def _split(share: Share, processes: int) -> list[Share]:
    """``share`` in ``processes`` parts, one per process (some may be empty)."""
    per_process, extra = divmod(share.count, processes)
    parts, first = [], 0
    for n in range(processes):
        count = per_process + (1 if n < extra else 0)
        parts.append(replace(share, count=count, first=first))
        first += count
    return parts


class SubscriberPool:
    """Each share's subscriptions spread over ``processes`` client processes."""

    def __init__(self, shares: Share | Sequence[Share], *, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._links: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        every = [shares] if isinstance(shares, Share) else list(shares)
        per_process = zip(*(_split(share, processes) for share in every), strict=True)
        for parts in per_process:
            kept = [part for part in parts if part.count]
            if not kept:
                continue
            ours, theirs = context.Pipe()
            process = context.Process(target=_main, args=(kept, theirs), daemon=True)
            self._links.append((process, ours))

    def __enter__(self) -> "SubscriberPool":
        for process, _ in self._links:
            process.start()
        try:
            for _ in self._replies("ready", timeout=600):
                pass
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def mark(self) -> None:
        """Start counting frames and client CPU from now."""
        for _, link in self._links:
            link.send(("mark", None))
        self._replies("marked", timeout=30)

    def collect(self, lines: Sequence[Line] = (), *, timeout: float = 10) -> Receipts:
        """Receipts from every process, once each has seen ``lines`` on every subscription of its
        own that shows them, or ``timeout`` has passed."""
        for _, link in self._links:
            link.send(("collect", {"lines": list(lines), "timeout": timeout}))
        merged = Receipts()
        for receipts in self._replies("receipts", timeout=timeout + 60):
            merged.merge(receipts)
        return merged

    def _replies(self, expected: str, *, timeout: float) -> list[Any]:
        deadline = time.monotonic() + timeout
        replies = []
        for process, link in self._links:
            while not link.poll(0.1):
                if not process.is_alive():
                    raise RuntimeError(f"subscriber process exited with {process.exitcode}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"subscriber processes sent no {expected!r} in {timeout} s")
            kind, value = link.recv()
            if kind != expected:
                raise RuntimeError(f"subscriber process: {value}")
            replies.append(value)
        return replies

    def _stop(self) -> None:
        for process, link in self._links:
            if process.is_alive():
                try:
                    link.send(("stop", None))
                except OSError:
                    pass
        for process, _ in self._links:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
