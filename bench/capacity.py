"""10. Capacity: how many live calls one core carries, and line-to-screen at half that load.

``calls`` simulated voice pipelines (``bench.pipeline``: a final line every 3 s
after two or three interim updates of it, progress every second, metrics every
5 s, status and phase changes, the end) each watched by two ``callEvents``
screens and one ``liveCall`` live query, with ``supervisors`` screens on the
``liveCalls`` board. Over the calls' lives (from CONNECTED to the end; starting
them is not measured) the server's CPU time, its workers' and database
servers' included, divided by the call-minutes carried is the cost of a
call-minute; 60 s over it is **calls per core**. A second run at half that
many calls measures p99 from a final line's POST to the last of its call's
two ``callEvents`` screens having it.

The floor is the same mix at the floors' prices: the run's requests at a bare
INSERT's CPU (``bench.baseline_app``) and its frames at a bare fan-out's CPU
per frame (``bench.fanout_app``), both measured here. Beside it, the stack's
floor: the requests at Strawberry alone's CPU per request
(``bench.strawberry_app``, the same mutation with no database) and the frames
at the bare fan-out's, and the same with the pipelines' mutations streamed over
one socket (benchmark 11's client against ``bench.strawberry_app``). A target
past the stack's floor is past what any Strawberry-served API reaches, whatever
the rest of it costs. Every request of the mix is priced as an
``addTranscriptEntry`` at the floors, the mutation the reference apps answer.

A request costs a server more when it arrives alone than in a crowd (the loop
wakes for it, the database hop is not shared, nothing is warm), so the floors'
prices for the mix are measured under the mix's own arrivals: the calibration
run's schedule, at the same times over the same connections
(``bench.pipeline.play``), every request an ``addTranscriptEntry``, against the
bare INSERT and against Strawberry alone. Their prices under wrk's 32
saturating connections (benchmark 2's load) are printed beside them: the
cheapest each can be, and no load a live call sends.

Two deployments: one worker on the embedded default (SQLite, in-memory
pub/sub), and two workers on PostgreSQL and Redis on the same machine (started
as the scaled test leg starts them, ``tests/infra.py``); without those servers
installed that figure is skipped, with the reason (and in the smoke run, which
CI runs: it would take longer than all the other benchmarks' smoke runs).
"""

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import uvloop

from bench import fanout, streamed_writes, write_throughput, wrk
from bench.api import ADD_LINE, Api
from bench.load import Sizes as LoadSizes
from bench.pipeline import play, schedule
from bench.report import Benchmark, Figure, ms, percentile
from bench.servers import Server, app_server, reference_server, tree_cpu_seconds
from bench.subscribers import Share, SubscriberPool

CALLS_TARGET = 1_000
LATENCY_TARGET = 0.150

CALL_EVENTS = """
subscription Events($callId: String!) {
  callEvents(callId: $callId, afterSequence: 0) {
    sequence type occurredAt
    ... on TranscriptAddedEvent { transcript { order isFinal speaker text sentiment } }
    ... on TranscriptUpdatedEvent { transcript { order isFinal speaker text sentiment } }
    ... on SentimentUpdatedEvent { sentiment { positivePercentage trend } }
    ... on ProgressUpdatedEvent { call { duration agentGain customerGain } }
    ... on CallStatusChangedEvent { previousStatus call { status } }
    ... on CallEndedEvent { call { status endTime } }
  }
}
"""
LIVE_CALL = """
subscription Call($callId: String!) {
  liveCall(callId: $callId) {
    callId status duration currentPhase agentGain customerGain currentSpeaker lastSequence
    sentiment { positivePercentage neutralPercentage negativePercentage trend }
    performanceMetrics { scriptAdherence agentConfidence conversionProbability }
    phases { phase status }
  }
}
"""
BOARD = """
subscription Board { liveCalls { type sequence call { callId status agentName currentPhase } } }
"""


@dataclass(frozen=True)
class Sizes:
    calibration_calls: int
    seconds: float
    supervisors: int
    processes: int
    phase_every: float
    floor_subscribers: int
    max_calls: int
    """The half-load run's calls at most: past that the clients, on the other core, would be the limit."""


FULL = Sizes(
    calibration_calls=60,
    seconds=12,
    supervisors=20,
    processes=2,
    phase_every=6,
    floor_subscribers=300,
    max_calls=500,
)
SMOKE = Sizes(
    calibration_calls=2,
    seconds=4,
    supervisors=2,
    processes=1,
    phase_every=1,
    floor_subscribers=4,
    max_calls=4,
)


@dataclass(frozen=True)
class Load:
    calls: int
    seconds: float
    cpu: float
    requests: int
    frames: int
    latencies: list[float]
    missing: int
    dropped: int
    busy: str

    @property
    def cpu_per_call_minute(self) -> float:
        return self.cpu / (self.calls * self.seconds / 60)

    @property
    def calls_per_core(self) -> float:
        return 60 / self.cpu_per_call_minute


@dataclass(frozen=True)
class Floors:
    """CPU prices, in seconds: per request, per streamed mutation, per delivered frame."""

    insert_cpu: float
    """The bare INSERT answering the mix's requests at the mix's own times."""
    frame_cpu: float
    strawberry_cpu: float
    """Strawberry alone answering the mix's requests over HTTP at their own times: the least a
    request of the mix costs this stack."""
    strawberry_streamed_cpu: float
    """Strawberry alone answering a mutation sent over one graphql-transport-ws socket."""
    insert_saturated_cpu: float
    """The bare INSERT under wrk's 32 saturating connections."""
    strawberry_saturated_cpu: float
    """Strawberry alone under wrk's 32 saturating connections."""

    def hardware(self, run: Load) -> float:
        """Calls per core for ``run``'s mix at the bare INSERT's and the bare fan-out's prices."""
        return _per_core(run, run.requests * self.insert_cpu + run.frames * self.frame_cpu)

    def stack(self, run: Load) -> float:
        """Calls per core for ``run``'s mix at Strawberry alone's price per request and the bare frame's."""
        return _per_core(run, run.requests * self.strawberry_cpu + run.frames * self.frame_cpu)

    def stack_streamed(self, run: Load) -> float:
        """As ``stack``, with every mutation streamed over a socket at Strawberry alone's price."""
        return _per_core(run, run.requests * self.strawberry_streamed_cpu + run.frames * self.frame_cpu)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def _per_core(run: Load, cpu: float) -> float:
    return 60 / (cpu / (run.calls * run.seconds / 60))


def _paced(server: Server, sizes: Sizes) -> float:
    """CPU per request for the calibration run's schedule (same times, same connections), every
    request an ``addTranscriptEntry`` the reference apps answer."""
    call_ids = [f"floor-{n}" for n in range(sizes.calibration_calls)]
    requests = [
        replace(request, body=_line_body(request.call_id), final=False)
        for request in schedule(call_ids, sizes.seconds, phase_every=sizes.phase_every)
    ]
    began = server.cpu_seconds()
    outcome = uvloop.run(play(server.http_url, server.token, requests))
    if outcome.errors:
        raise RuntimeError(f"{len(outcome.errors)} requests to {server.http_url} failed: {outcome.errors[0]}")
    return (server.cpu_seconds() - began) / outcome.answered


def _line_body(call_id: str) -> bytes:
    body = {"query": ADD_LINE, "variables": write_throughput.line(call_id)}
    return json.dumps(body, separators=(",", ":")).encode()


def _floors(workdir: Path, sizes: Sizes, smoke: bool) -> Floors:
    wrk.ensure()
    load_sizes = LoadSizes(connections=32, seconds=1 if smoke else 4, warmup=0 if smoke else 1, calls=4)
    stream_sizes = streamed_writes.SMOKE if smoke else replace(streamed_writes.FULL, seconds=4, warmup=1)
    with reference_server(workdir, "bench.baseline_app") as server:
        insert = write_throughput.appends(server, load_sizes, workdir)
        insert_paced = _paced(server, sizes)
    with reference_server(workdir, write_throughput.STRAWBERRY_ALONE) as server:
        alone = write_throughput.appends(server, load_sizes, workdir)
        alone_paced = _paced(server, sizes)
        streamed = streamed_writes.stream(server, load_sizes.calls, stream_sizes)
    floor_sizes = replace(
        fanout.SMOKE if smoke else fanout.FULL, subscribers=sizes.floor_subscribers, seconds=1 if smoke else 5
    )
    with reference_server(workdir, "bench.fanout_app") as server:
        frames = fanout.measure(server, floor_sizes)
    return Floors(
        insert_cpu=insert_paced,
        frame_cpu=frames.cpu_per_frame,
        strawberry_cpu=alone_paced,
        strawberry_streamed_cpu=streamed.server_cpu,
        insert_saturated_cpu=insert.server_cpu,
        strawberry_saturated_cpu=alone.server_cpu,
    )


def _run(server: Server, cpu: Callable[[], float], calls: int, sizes: Sizes, tag: str) -> Load:
    call_ids = [f"{tag}-{n}" for n in range(calls)]

    async def start() -> None:
        async with Api(server.http_url, server.token) as api:
            for call_id in call_ids:
                await api.start_call(call_id)

    uvloop.run(start())
    shares = [
        Share(server.ws_url, server.token, CALL_EVENTS, call_ids, 2 * calls),
        Share(server.ws_url, server.token, LIVE_CALL, call_ids, calls, shows_lines=False),
        Share(
            server.ws_url, server.token, BOARD, [], sizes.supervisors, ready_on_first=False, shows_lines=False
        ),
    ]
    requests = schedule(call_ids, sizes.seconds, phase_every=sizes.phase_every)
    with SubscriberPool(shares, processes=sizes.processes) as pool:
        pool.mark()
        began = cpu()
        outcome = uvloop.run(play(server.http_url, server.token, requests))
        receipts = pool.collect(list(outcome.final_sent_at), timeout=10)
        used = cpu() - began
    if outcome.errors:
        raise RuntimeError(f"{len(outcome.errors)} requests failed, first: {outcome.errors[0]}")
    arrived = [line for line in outcome.final_sent_at if receipts.count.get(line, 0) >= 2]
    return Load(
        calls=calls,
        seconds=sizes.seconds,
        cpu=used,
        requests=outcome.answered,
        frames=receipts.frames,
        latencies=[receipts.latest[line] - outcome.final_sent_at[line] for line in arrived],
        missing=len(outcome.final_sent_at) - len(arrived),
        dropped=receipts.dropped,
        busy=receipts.busiest(),
    )


@contextmanager
def _embedded(workdir: Path) -> Iterator[tuple[Server, Callable[[], float]]]:
    with app_server(workdir, "capacity") as server:
        yield server, server.cpu_seconds


@contextmanager
def _scaled(workdir: Path) -> Iterator[tuple[Server, Callable[[], float]]]:
    from tests.infra import PostgresServer, RedisServer, ensure_installed

    ensure_installed()
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    try:
        postmaster = int((postgres.data / "postmaster.pid").read_text().split()[0])
        assert redis.process is not None
        redis_pid = redis.process.pid
        with app_server(
            workdir, "capacity-scaled", workers=2, DATABASE_URL=postgres.url, BROADCAST_URL=redis.url
        ) as server:

            def cpu() -> float:
                return server.cpu_seconds() + tree_cpu_seconds(postmaster) + tree_cpu_seconds(redis_pid)

            yield server, cpu
    finally:
        redis.remove()
        postgres.stop()


Deployment = Callable[[Path], AbstractContextManager[tuple[Server, Callable[[], float]]]]


def _measure(deployment: Deployment, workdir: Path, sizes: Sizes) -> tuple[Load, Load]:
    with deployment(workdir) as (server, cpu):
        calibration = _run(server, cpu, sizes.calibration_calls, sizes, "calibrate")
        half = max(1, min(sizes.max_calls, round(calibration.calls_per_core / 2)))
        return calibration, _run(server, cpu, half, sizes, "half")


def _describe(name: str, calibration: Load, half: Load, floors: Floors) -> str:
    p99 = percentile(half.latencies, 0.99) if half.latencies else float("nan")
    p50 = percentile(half.latencies, 0.5) if half.latencies else float("nan")
    stack = floors.stack(calibration)
    verdict = "past" if stack < CALLS_TARGET else "within"
    return (
        f"{name}: {calibration.calls_per_core:,.0f} calls per core "
        f"({calibration.cpu_per_call_minute * 1000:.0f} ms CPU per call-minute at {calibration.calls} calls: "
        f"{calibration.requests:,} requests, {calibration.frames:,} frames in {calibration.seconds:g} s; "
        f"floor for the same mix {floors.hardware(calibration):,.0f} (bare INSERT + bare frame); "
        f"the stack's floor for the same mix {stack:,.0f} (Strawberry alone answering the mix's "
        f"requests at their times, + bare frames: "
        f"the {CALLS_TARGET:,} target is {verdict} it), "
        f"{floors.stack_streamed(calibration):,.0f} with the mutations streamed over a socket at "
        f"Strawberry alone's streamed price); "
        f"at half load ({half.calls} calls) "
        f"line-to-screen p50 {ms(p50)} / p99 {ms(p99)}, "
        f"{half.missing} final lines not on both screens in time, {half.dropped} screens dropped; {half.busy}"
    )


def _scaled_unavailable() -> str | None:
    """Why the PostgreSQL + Redis figure cannot be measured here, if it cannot."""
    from tests.infra import ensure_installed, postgres_bin

    try:
        ensure_installed()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    if postgres_bin() is None or not shutil.which("redis-server"):
        return "PostgreSQL or Redis is not installed"
    return None


def _met(calibration: Load, half: Load) -> bool:
    return (
        calibration.calls_per_core >= CALLS_TARGET
        and bool(half.latencies)
        and percentile(half.latencies, 0.99) <= LATENCY_TARGET
        and not half.missing
        and not half.dropped
    )


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    floors = _floors(workdir, sizes, smoke)
    embedded = _measure(_embedded, workdir, sizes)
    parts = [_describe("one worker, SQLite", *embedded, floors)]
    value = f"{embedded[0].calls_per_core:,.0f} calls per core"
    if embedded[1].latencies:
        value += f", p99 {ms(percentile(embedded[1].latencies, 0.99))} at half load"
    value += (
        f" (floors for the mix: {floors.hardware(embedded[0]):,.0f} bare, "
        f"{floors.stack(embedded[0]):,.0f} Strawberry-served)"
    )
    met = _met(*embedded)
    # Starting PostgreSQL and two workers takes longer than the rest of the smoke run together.
    skipped = "not in the smoke run" if smoke else _scaled_unavailable()
    if skipped is None:
        scaled = _measure(_scaled, workdir, sizes)
        parts.append(_describe("two workers, PostgreSQL + Redis", *scaled, floors))
        value += f"; {scaled[0].calls_per_core:,.0f} on two workers with PostgreSQL + Redis"
        met = met and _met(*scaled)
    else:
        parts.append(f"two workers, PostgreSQL + Redis: skipped ({skipped})")
    parts.append(
        f"floors, CPU per request at the mix's own times (under wrk's 32 saturating connections): "
        f"bare INSERT {_us(floors.insert_cpu)} ({_us(floors.insert_saturated_cpu)}), Strawberry alone "
        f"{_us(floors.strawberry_cpu)} ({_us(floors.strawberry_saturated_cpu)}) over HTTP and "
        f"{_us(floors.strawberry_streamed_cpu)} per mutation streamed (64 in flight); "
        f"bare fan-out {_us(floors.frame_cpu)} per frame"
    )
    return Figure(
        number=10, name=BENCHMARK.name, value=value, detail="; ".join(parts), target=BENCHMARK.target, met=met
    )


BENCHMARK = Benchmark(
    number=10,
    name="capacity",
    target=(
        f"≥ {CALLS_TARGET:,} calls per core; p99 line-to-screen ≤ {LATENCY_TARGET * 1000:.0f} ms at half load"
    ),
    run=run,
)
