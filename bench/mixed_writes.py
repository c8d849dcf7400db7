"""6. Mixed pipeline writes: what a voice pipeline sends, per second, as a share of a bare INSERT's.

A pipeline does not only append lines: per call it also reports progress,
metrics and the health of its services about as often. wrk sends that mix
(per call, in turn: four final lines with a sentiment, two progress updates,
a metrics patch and a service status) round-robin over ``calls`` calls from
the same 32 connections as benchmark 2, first to ``bench.baseline_app`` (one
raw aiosqlite INSERT), then to the API (one uvicorn worker, SQLite file,
memory:// pub/sub). The figure is the API's requests per second over the bare
endpoint's, and the server's own CPU per request beside it.
"""

from pathlib import Path
from typing import Any

import uvloop

from bench import wrk
from bench.api import ADD_LINE
from bench.load import FULL, SMOKE, load, start_calls
from bench.report import Benchmark, Figure, ms
from bench.servers import app_server, reference_server

TARGET = 0.15

PROGRESS = """
mutation Progress($callId: String!) {
  updateCallProgress(callId: $callId, duration: 42, agentGain: 61, customerGain: 55) { duration }
}
"""

METRICS = """
mutation Metrics($callId: String!) {
  updatePerformanceMetrics(callId: $callId, metrics: {scriptAdherence: 82, conversionProbability: 37}) {
    scriptAdherence
  }
}
"""

SYSTEM = """
mutation System($callId: String!) {
  updateSystemStatus(callId: $callId, service: STT, status: STREAMING, latency: 180, errorRate: 0.01) {
    sttStatus apiLatency
  }
}
"""


def _mix(call_id: str) -> list[dict[str, Any]]:
    line = {
        "query": ADD_LINE,
        "variables": {
            "callId": call_id,
            "text": "We are reviewing the budget next quarter, honestly.",
            "speaker": "CUSTOMER",
            "sentiment": "POSITIVE",
        },
    }
    other = [{"query": query, "variables": {"callId": call_id}} for query in (PROGRESS, METRICS, SYSTEM)]
    return [line, line, other[0], line, other[1], line, other[0], other[2]]


def _bodies(calls: int) -> list[dict[str, Any]]:
    per_call = [_mix(f"call-{n}") for n in range(calls)]
    return [body for step in zip(*per_call, strict=True) for body in step]


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    wrk.ensure()
    with reference_server(workdir, "bench.baseline_app") as server:
        baseline = load(server, _bodies(sizes.calls), sizes, workdir)
    with app_server(workdir, "mixed") as server:
        uvloop.run(start_calls(server, sizes.calls))
        api = load(server, _bodies(sizes.calls), sizes, workdir)
    ratio = api.per_second / baseline.per_second
    return Figure(
        number=6,
        name=BENCHMARK.name,
        value=f"{ratio:.1%}",
        detail=(
            f"{api.per_second:,.0f} pipeline mutations/s (4 lines : 2 progress : 1 metrics : 1 status) "
            f"÷ {baseline.per_second:,.0f} bare INSERT/s; wrk, {sizes.connections} connections, "
            f"{sizes.seconds:g} s each, 0 errors; server CPU per request {ms(api.server_cpu)} "
            f"vs {ms(baseline.server_cpu)}"
        ),
        target=BENCHMARK.target,
        met=ratio >= TARGET,
    )


BENCHMARK = Benchmark(number=6, name="mixed pipeline writes", target=f"≥ {TARGET:.0%}", run=run)
