"""Client processes holding many GraphQL subscriptions over WebSocket.

Subscribers run in their own processes so the server under test keeps a
core (the machine has two) and so 10,000 sockets fit within each process's
file-descriptor limit. Each process opens its share of subscriptions, one
WebSocket per subscription (one supervisor's screen each), speaking
graphql-transport-ws; a subscription counts as ready once its first event
(the replayed CALL_STARTED) arrives, which proves the server's feed is live.

Receipt times are ``time.monotonic()``, the system-wide CLOCK_MONOTONIC on
Linux, so they compare directly with the writer's clock in another process.
"""

import asyncio
import json
import multiprocessing
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
    count: int
    first: int = 0
    """Index of this share's first subscription across all processes (spreads calls evenly)."""


@dataclass
class Receipts:
    """When each transcript line (by order) reached this process's last subscriber, and how many."""

    latest: dict[int, float] = field(default_factory=dict)
    count: dict[int, int] = field(default_factory=dict)
    dropped: int = 0
    """Subscriptions the server ended as too slow (SLOW_CONSUMER): it was too busy to feed them."""

    def record(self, order: int, at: float) -> None:
        self.latest[order] = max(at, self.latest.get(order, at))
        self.count[order] = self.count.get(order, 0) + 1

    def merge(self, other: "Receipts") -> None:
        for order, at in other.latest.items():
            self.latest[order] = max(at, self.latest.get(order, at))
            self.count[order] = self.count.get(order, 0) + other.count[order]
        self.dropped += other.dropped


async def _open(share: Share, index: int) -> ClientConnection:
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
    call_id = share.call_ids[index % len(share.call_ids)]
    payload = {"query": share.query, "variables": {"callId": call_id}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return socket


async def _follow(socket: ClientConnection, ready: Callable[[], None], receipts: Receipts) -> None:
    """Record each transcript line's arrival; ends only if the server drops us as too slow."""
    first = True
    async for raw in socket:
        at = time.monotonic()
        message = json.loads(raw)
        kind = message["type"]
        if kind == "ping":
            await socket.send('{"type":"pong"}')
        elif kind == "next":
            payload = message["payload"]
            if payload.get("errors"):
                codes = {error.get("extensions", {}).get("code") for error in payload["errors"]}
                if codes == {"SLOW_CONSUMER"}:
                    receipts.dropped += 1
                    return
                raise RuntimeError(f"subscription error: {payload['errors']}")
            if first:
                first = False
                ready()
            transcript = payload["data"]["callEvents"].get("transcript")
            if transcript is not None:
                receipts.record(transcript["order"], at)
        elif kind != "pong":
            raise RuntimeError(f"unexpected message: {message}")
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
        socket = await _open(share, index)
        try:
            await _follow(socket, opened, receipts)
        finally:
            await socket.close()
    finally:
        if opening:
            gate.release()


async def _client(share: Share, commands: Connection) -> None:
    loop = asyncio.get_running_loop()
    receipts = Receipts()
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    remaining = share.count
    all_ready = asyncio.Event()

    def ready() -> None:
        nonlocal remaining
        remaining -= 1
        if not remaining:
            all_ready.set()

    tasks = [
        asyncio.create_task(_subscriber(share, share.first + n, gate, ready, receipts))
        for n in range(share.count)
    ]
    try:
        waiting = asyncio.ensure_future(all_ready.wait())
        await asyncio.wait({waiting, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        _raise_failure(tasks)
        commands.send(("ready", share.count))
        while True:
            command, argument = await loop.run_in_executor(None, commands.recv)
            if command == "collect":
                deadline = time.monotonic() + argument["timeout"]
                while (
                    receipts.count.get(argument["order"], 0) < share.count - receipts.dropped
                    and time.monotonic() < deadline
                ):
                    _raise_failure(tasks)
                    await asyncio.sleep(0.05)
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


def _main(share: Share, commands: Connection) -> None:
    raise_fd_limit()
    try:
        uvloop.run(_client(share, commands))
    except BaseException as error:
        commands.send(("error", f"{type(error).__name__}: {error}"))
        raise
    commands.send(("stopped", None))


class SubscriberPool:
    """``count`` subscriptions spread over ``processes`` client processes."""

    def __init__(self, share: Share, *, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._links: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        per_process, extra = divmod(share.count, processes)
        first = 0
        for n in range(processes):
            count = per_process + (1 if n < extra else 0)
            if not count:
                continue
            ours, theirs = context.Pipe()
            part = replace(share, count=count, first=first)
            process = context.Process(target=_main, args=(part, theirs), daemon=True)
            self._links.append((process, ours))
            first += count

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

    def collect(self, last_order: int, *, timeout: float = 10) -> Receipts:
        """Receipts from every process, once each has seen line ``last_order`` on every subscription."""
        for _, link in self._links:
            link.send(("collect", {"order": last_order, "timeout": timeout}))
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
