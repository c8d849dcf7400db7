"""2. Write throughput: addTranscriptEntry per second, as a share of a bare INSERT endpoint's.

wrk drives four servers with the same 32 connections and the same request bodies:
``bench.baseline_app`` (Starlette, one raw aiosqlite INSERT) and the API (one uvicorn worker,
SQLite file, memory:// pub/sub, with every side effect of a final line with a sentiment:
order, speaker, sentiment roll, two events in the log, publish) in turns (bare, API, API,
bare: on a machine whose speed drifts, the same minutes weigh on both), then
``bench.strawberry_app`` (the same mutation in Strawberry with no database: the ceiling
Strawberry itself sets) and ``bench.write_path_app`` (the API's write path with no GraphQL),
which splits the API's cost between its GraphQL layer and its write path. Lines go
round-robin to ``calls`` calls. Each server gets an unmeasured warm-up before each turn.
"""

from pathlib import Path
from typing import Any

import uvloop

from bench import statements, wrk
from bench.api import ADD_LINE
from bench.load import FULL, SMOKE, Sizes, load, loads_in_turns, start_calls
from bench.report import Benchmark, Figure
from bench.servers import Server, app_server, reference_server

TARGET = 0.15
STRAWBERRY_ALONE = "bench.strawberry_app"
WRITE_PATH_ALONE = "bench.write_path_app"


def line(call_id: str) -> dict[str, Any]:
    """Every line is final with a sentiment: the costliest kind of append."""
    return {
        "callId": call_id,
        "text": "We are reviewing the budget next quarter, honestly.",
        "speaker": "CUSTOMER",
        "sentiment": "POSITIVE",
    }


def bodies(calls: int) -> list[dict[str, Any]]:
    return [{"query": ADD_LINE, "variables": line(f"call-{n}")} for n in range(calls)]


def appends(server: Server, sizes: Sizes, workdir: Path) -> wrk.Result:
    """wrk posting the benchmark's final lines: how benchmarks 2, 10 and 11 load the bare INSERT,
    Strawberry alone (``STRAWBERRY_ALONE``) and the API, so their prices compare."""
    return load(server, bodies(sizes.calls), sizes, workdir)


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    wrk.ensure()
    with reference_server(workdir, STRAWBERRY_ALONE) as server:
        ceiling = appends(server, sizes, workdir)
    with reference_server(workdir, "bench.baseline_app") as bare, app_server(workdir, "write") as server:
        uvloop.run(start_calls(server, sizes.calls))
        baseline, api = loads_in_turns(bare, server, bodies(sizes.calls), sizes, workdir)
    sent = statements.count(server, ADD_LINE, line("call-0"))
    with app_server(workdir, "write-path", module=WRITE_PATH_ALONE) as server:
        uvloop.run(start_calls(server, sizes.calls))
        below = appends(server, sizes, workdir)
    ratio = api.per_second / baseline.per_second
    return Figure(
        number=2,
        name=BENCHMARK.name,
        value=f"{ratio:.1%}",
        detail=(
            f"{api.per_second:,.0f} addTranscriptEntry/s ÷ {baseline.per_second:,.0f} bare INSERT/s; "
            f"wrk, {sizes.connections} connections, {sizes.seconds:g} s per turn, two turns each "
            "(bare, API, API, bare), 0 errors; "
            f"server CPU per request {_us(api.server_cpu)} vs {_us(baseline.server_cpu)}; "
            f"{len(sent)} SQL statements per append; "
            f"Strawberry alone (same mutation, no database, bench/strawberry_app.py): "
            f"{ceiling.per_second:,.0f}/s = {ceiling.per_second / baseline.per_second:.0%}, "
            f"{_us(ceiling.server_cpu)} CPU per request; "
            f"the write path with no GraphQL ({WRITE_PATH_ALONE.replace('.', '/')}.py): "
            f"{below.per_second:,.0f}/s = {below.per_second / baseline.per_second:.0%}, "
            f"{_us(below.server_cpu)} CPU per request, so the GraphQL layer costs "
            f"{_us(api.server_cpu - below.server_cpu)} of the API's {_us(api.server_cpu)}"
        ),
        target=BENCHMARK.target,
        met=ratio >= TARGET,
    )


def _us(seconds: float) -> str:
    """Microseconds: the four servers' prices differ by tenths of a millisecond."""
    return f"{seconds * 1e6:,.0f} µs"


BENCHMARK = Benchmark(number=2, name="write throughput", target=f"≥ {TARGET:.0%}", run=run)
