"""11. Streamed writes: appends per second over one WebSocket, beside HTTP, against the bare INSERT.

A voice pipeline may send its mutations over one graphql-transport-ws socket
(``subscribe`` messages carrying mutations; each answered with one ``next``
and a ``complete``) instead of an HTTP request each. One client keeps
``in_flight`` appends outstanding on one socket for ``seconds`` and counts the
answers. Beside it, in the same run: wrk with 32 connections against the API
over HTTP, and against ``bench.baseline_app`` (one raw aiosqlite INSERT per
request), all with the same final line with a sentiment. The server's CPU per
append is reported for each.

The stack's floor, measured in the same run: the same streaming client and the
same wrk load against ``bench.strawberry_app`` (the same mutation answered by
Strawberry with no database, over HTTP and over Strawberry's own
graphql-transport-ws handling). No Strawberry-served API goes faster than
that; where it falls short of a target, the target is past the stack's floor
(the figure stays "not met", and says so).

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
from bench.load import start_calls
from bench.report import Benchmark, Figure, ms
from bench.servers import Server, app_server, reference_server

HTTP_TARGET = 0.15
STREAMED_TARGET = 0.40


@dataclass(frozen=True)
class Sizes:
    in_flight: int
    seconds: float
    warmup: float


FULL = Sizes(in_flight=64, seconds=6, warmup=1)
SMOKE = Sizes(in_flight=8, seconds=0.5, warmup=0)


@dataclass(frozen=True)
class Streamed:
    answered: int
    per_second: float
    server_cpu: float
    """Seconds of server CPU per append."""


def stream(server: Server, calls: int, sizes: Sizes) -> Streamed:
    """The streaming client against ``server``: an unmeasured warm-up, then the measured run."""
    if sizes.warmup:
        uvloop.run(_stream(server, calls, sizes.warmup, sizes.in_flight))
    cpu, began = server.cpu_seconds(), time.monotonic()
    answered = uvloop.run(_stream(server, calls, sizes.seconds, sizes.in_flight))
    elapsed, cpu = time.monotonic() - began, server.cpu_seconds() - cpu
    return Streamed(answered, answered / elapsed, cpu / max(answered, 1))


def strawberry_floor(how: str, per_second: float, cpu: float, bare: wrk.Result, target: float) -> str:
    """Strawberry alone's rate as a share of the bare INSERT's, and whether ``target`` is past it.

    The share of CPU per append goes beside it: on a loaded machine the rates, measured one after
    the other, move with the load, and the CPU a request costs much less.
    """
    ratio = per_second / bare.per_second
    verdict = (
        f"below the {target:.0%} target: the stack's floor, so that target is past it"
        if ratio < target
        else f"at or above the {target:.0%} target: the target is within the stack's floor"
    )
    return (
        f"Strawberry alone {how}: {per_second:,.0f}/s = {ratio:.0%} of the bare INSERT "
        f"({ms(cpu)} CPU each, {bare.server_cpu / cpu:.0%} of the bare's rate by CPU), {verdict}"
    )


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
    with reference_server(workdir, "bench.baseline_app") as server:
        bare = write_throughput.appends(server, load_sizes, workdir)
    with reference_server(workdir, write_throughput.STRAWBERRY_ALONE) as server:
        alone_http = write_throughput.appends(server, load_sizes, workdir)
        alone = stream(server, load_sizes.calls, sizes)
    with app_server(workdir, "streamed") as server:
        uvloop.run(start_calls(server, load_sizes.calls))
        http = write_throughput.appends(server, load_sizes, workdir)
        streamed = stream(server, load_sizes.calls, sizes)
    http_ratio, streamed_ratio = http.per_second / bare.per_second, streamed.per_second / bare.per_second
    alone_http_ratio = alone_http.per_second / bare.per_second
    alone_ratio = alone.per_second / bare.per_second
    return Figure(
        number=11,
        name=BENCHMARK.name,
        value=(
            f"streamed {streamed_ratio:.1%}, HTTP {http_ratio:.1%} of the bare INSERT "
            f"(Strawberry alone: streamed {alone_ratio:.1%}, HTTP {alone_http_ratio:.1%})"
        ),
        detail="; ".join(
            (
                f"{streamed.per_second:,.0f} addTranscriptEntry/s over one graphql-transport-ws socket "
                f"({sizes.in_flight} in flight, {ms(streamed.server_cpu)} server CPU each)",
                f"{http.per_second:,.0f}/s over HTTP (wrk, {load_sizes.connections} connections, "
                f"{ms(http.server_cpu)} each)",
                f"bare INSERT {bare.per_second:,.0f}/s ({ms(bare.server_cpu)} each)",
                strawberry_floor(
                    "over one socket (bench/strawberry_app.py, same client)",
                    alone.per_second,
                    alone.server_cpu,
                    bare,
                    STREAMED_TARGET,
                ),
                strawberry_floor(
                    "over HTTP (same wrk load)",
                    alone_http.per_second,
                    alone_http.server_cpu,
                    bare,
                    HTTP_TARGET,
                ),
            )
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
