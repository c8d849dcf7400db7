"""9. Instruction latency: how long from a supervisor's sendAgentInstruction to the agent having it?

``calls`` calls run at once: each has a voice pipeline appending lines on a
schedule (``lines_per_second`` per call, each call at a random moment of the
interval, as calls that started apart do) and following ``agentInstructions``
for its call over its own WebSocket, acknowledging each instruction APPLIED as
it arrives, as the simulator's agent does. A supervisor sends coaching to the
calls in turn at ``instructions_per_second``, each on schedule whether or not
the previous one has answered. For each instruction the figure is the time
from the supervisor sending the mutation to that call's pipeline having it,
p50 and p99, over the instructions after a warm-up.
"""

import asyncio
import json
import random
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvloop
from websockets.asyncio.client import ClientConnection, connect

from bench.api import ADD_LINE, Api, authorization, line
from bench.report import Benchmark, Figure, ms, percentile
from bench.servers import Server, app_server

TARGET = 0.100

SEND = """
mutation Coach($callId: String!, $text: String!) {
  sendAgentInstruction(callId: $callId, text: $text, priority: 6) { id }
}
"""
INSTRUCTIONS = """
subscription Instructions($callId: String!) {
  agentInstructions(callId: $callId, afterSequence: 0) { id kind text sequence }
}
"""
ACKNOWLEDGE = """
mutation Ack($id: ID!) { acknowledgeInstruction(instructionId: $id, outcome: APPLIED) { status } }
"""


@dataclass
class Receipts:
    """When each instruction (by text) reached its pipeline; ``all_in`` once ``expected`` have."""

    expected: int
    at: dict[str, float] = field(default_factory=dict)
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, text: str) -> None:
        self.at[text] = time.perf_counter()
        if len(self.at) >= self.expected:
            self.all_in.set()


@dataclass(frozen=True)
class Sizes:
    calls: int
    lines_per_second: float
    instructions_per_second: float
    seconds: float
    warmup: int


FULL = Sizes(calls=100, lines_per_second=1, instructions_per_second=10, seconds=12, warmup=5)
SMOKE = Sizes(calls=3, lines_per_second=1, instructions_per_second=5, seconds=1, warmup=0)


async def _subscribe(server: Server, call_id: str) -> ClientConnection:
    socket = await connect(server.ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": authorization(server.token)}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    payload = {"query": INSTRUCTIONS, "variables": {"callId": call_id}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return socket


async def _pipeline(
    socket: ClientConnection, api: Api, received: Receipts, acks: set[asyncio.Task[Any]]
) -> None:
    """The call's pipeline: notes when each instruction arrived, and acknowledges it."""
    async for raw in socket:
        message = json.loads(raw)
        if message["type"] == "ping":
            await socket.send(json.dumps({"type": "pong"}))
            continue
        if message["type"] != "next":
            return
        instruction = message["payload"]["data"]["agentInstructions"]
        received.note(instruction["text"])
        task = asyncio.create_task(api.data(ACKNOWLEDGE, id=instruction["id"]))
        acks.add(task)
        task.add_done_callback(acks.discard)


async def _talk(api: Api, call_id: str, sizes: Sizes, until: float, phase: float) -> int:
    """The call's pipeline appending lines on schedule until ``until``, ``phase`` (0 to 1) of an
    interval after the others: calls that started at different moments talk at different moments,
    as in benchmark 10's schedule, rather than all in the same millisecond."""
    interval, n = 1 / sizes.lines_per_second, 0
    started = time.perf_counter() + phase * interval
    await asyncio.sleep(phase * interval)
    while time.perf_counter() < until:
        await api.data(ADD_LINE, **line(call_id, n))
        n += 1
        await asyncio.sleep(max(0.0, started + n * interval - time.perf_counter()))
    return n


async def _measure(server: Server, sizes: Sizes) -> tuple[list[float], int, int]:
    calls = [f"agent-{n}" for n in range(sizes.calls)]
    async with Api(server.http_url, server.token, connections=64) as api:
        for call_id in calls:
            await api.start_call(call_id)
        sockets = [await _subscribe(server, call_id) for call_id in calls]
        total = sizes.warmup + round(sizes.seconds * sizes.instructions_per_second)
        receipts = Receipts(total)
        acks: set[asyncio.Task[Any]] = set()
        pipelines = [asyncio.create_task(_pipeline(s, api, receipts, acks)) for s in sockets]
        interval = 1 / sizes.instructions_per_second
        until = time.perf_counter() + sizes.warmup * interval + sizes.seconds + 1
        phases = random.Random(9)
        talking = [
            asyncio.create_task(_talk(api, call_id, sizes, until, phases.random())) for call_id in calls
        ]
        await asyncio.sleep(1)  # every call talking before the first instruction
        sent_at: dict[str, float] = {}
        sends = []
        started = time.perf_counter()
        for n in range(total):
            await asyncio.sleep(max(0.0, started + n * interval - time.perf_counter()))
            text = f"coach {n}"
            sent_at[text] = time.perf_counter()
            sends.append(asyncio.create_task(api.data(SEND, callId=calls[n % len(calls)], text=text)))
        await asyncio.gather(*sends)
        with suppress(TimeoutError):
            await asyncio.wait_for(receipts.all_in.wait(), 10)
        lines = sum(await asyncio.gather(*talking))
        await asyncio.gather(*acks)
        for socket in sockets:
            await socket.close()
        for task in pipelines:
            task.cancel()
    received = receipts.at
    missing = total - len(received)
    if missing:
        raise RuntimeError(f"{missing} of {total} instructions never reached their pipeline")
    latencies = [received[f"coach {n}"] - sent_at[f"coach {n}"] for n in range(sizes.warmup, total)]
    return latencies, total, lines


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    with app_server(workdir, "instructions") as server:
        latencies, total, lines = uvloop.run(_measure(server, sizes))
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return Figure(
        number=9,
        name=BENCHMARK.name,
        value=f"p50 {ms(p50)}, p99 {ms(p99)}",
        detail=(
            f"sendAgentInstruction sent → the call's agentInstructions subscriber has it, over "
            f"{len(latencies)} instructions ({total - len(latencies)} warm-up) at "
            f"{sizes.instructions_per_second:g}/s, each acknowledged APPLIED; {sizes.calls} calls running, "
            f"each with its pipeline subscribed and appending {sizes.lines_per_second:g} line/s, "
            f"each call at its own moment in the second "
            f"({lines} lines); one uvicorn worker, SQLite, memory://"
        ),
        target=BENCHMARK.target,
        met=p99 <= TARGET,
    )


BENCHMARK = Benchmark(number=9, name="instruction to the agent", target=f"p99 ≤ {ms(TARGET)}", run=run)
