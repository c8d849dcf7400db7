"""11. Streamed writes: appends per second over one WebSocket, beside HTTP, against the bare INSERT.

A voice pipeline may send its mutations over one graphql-transport-ws socket
(``subscribe`` messages carrying mutations; each answered with one ``next``
and a ``complete``) instead of an HTTP request each. One client keeps
``in_flight`` appends outstanding on one socket for ``seconds`` and counts the
answers. Beside it, in the same run: wrk with 32 connections against the API
over HTTP, and against ``bench.baseline_app`` (one raw aiosqlite INSERT per
request), all with the same final line with a sentiment. The server's CPU per
append is reported for each.

Targets (issue 18): a single HTTP append at least 15% of the bare INSERT's
rate, streamed appends at least 40%.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import uvloop
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from bench import write_throughput, wrk
from bench.api import authorization
from bench.load import FULL as LOAD_FULL
from bench.load import SMOKE as LOAD_SMOKE
from bench.load import load, start_calls
from bench.report import Benchmark, Figure, ms
from bench.servers import Server, app_server, reference_server

HTTP_TARGET = 0.15
STREAMED_TARGET = 0.40


@dataclass(frozen=True)
class Sizes:
    in_flight: int
    seconds: float
    warmup: float


FULL = Sizes(in_flight=64, seconds=10, warmup=2)
SMOKE = Sizes(in_flight=8, seconds=1, warmup=0)


async def _stream(server: Server, calls: int, seconds: float, in_flight: int) -> int:
    """Appends answered in ``seconds`` with ``in_flight`` outstanding on one socket."""
    bodies = [json.dumps(body) for body in write_throughput.bodies(calls)]
    async with connect(
        server.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], ping_interval=None, max_size=None
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": authorization(server.token)}))
        if json.loads(await socket.recv()).get("type") != "connection_ack":
            raise RuntimeError("no connection_ack")
        sent = answered = 0
        deadline = time.monotonic() + seconds

        async def send_one() -> None:
            nonlocal sent
            sent += 1
            payload = bodies[sent % len(bodies)]
            await socket.send(f'{{"id":"{sent}","type":"subscribe","payload":{payload}}}')

        for _ in range(in_flight):
            await send_one()
        while answered < sent:
            raw = await socket.recv()
            assert isinstance(raw, str)
            if '"complete"' in raw[:40]:
                answered += 1
                if time.monotonic() < deadline:
                    await send_one()
            elif '"errors"' in raw or '"error"' in raw[:40]:
                raise RuntimeError(f"append over WebSocket failed: {raw[:300]}")
            elif '"ping"' in raw[:20]:
                await socket.send('{"type":"pong"}')
        return answered


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    load_sizes = LOAD_SMOKE if smoke else LOAD_FULL
    wrk.ensure()
    bodies = write_throughput.bodies(load_sizes.calls)
    with reference_server(workdir, "bench.baseline_app") as server:
        bare = load(server, bodies, load_sizes, workdir)
    with app_server(workdir, "streamed") as server:
        uvloop.run(start_calls(server, load_sizes.calls))
        http = load(server, bodies, load_sizes, workdir)
        if sizes.warmup:
            uvloop.run(_stream(server, load_sizes.calls, sizes.warmup, sizes.in_flight))
        cpu, began = server.cpu_seconds(), time.monotonic()
        answered = uvloop.run(_stream(server, load_sizes.calls, sizes.seconds, sizes.in_flight))
        elapsed, cpu = time.monotonic() - began, server.cpu_seconds() - cpu
    streamed = answered / elapsed
    http_ratio, streamed_ratio = http.per_second / bare.per_second, streamed / bare.per_second
    return Figure(
        number=11,
        name=BENCHMARK.name,
        value=f"streamed {streamed_ratio:.1%}, HTTP {http_ratio:.1%} of the bare INSERT",
        detail=(
            f"{streamed:,.0f} addTranscriptEntry/s over one graphql-transport-ws socket "
            f"({sizes.in_flight} in flight, {ms(cpu / max(answered, 1))} server CPU each); "
            f"{http.per_second:,.0f}/s over HTTP (wrk, {load_sizes.connections} connections, "
            f"{ms(http.server_cpu)} each); bare INSERT {bare.per_second:,.0f}/s ({ms(bare.server_cpu)} each)"
        ),
        target=BENCHMARK.target,
        met=http_ratio >= HTTP_TARGET and streamed_ratio >= STREAMED_TARGET,
    )


BENCHMARK = Benchmark(
    number=11,
    name="streamed writes",
    target=f"HTTP ≥ {HTTP_TARGET:.0%}, streamed ≥ {STREAMED_TARGET:.0%} of the bare INSERT",
    run=run,
)
