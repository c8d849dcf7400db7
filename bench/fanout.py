"""3. Fan-out: server CPU per delivered frame and p99 line-to-screen, against a bare fan-out's.

``subscribers`` WebSocket clients (in client processes that parse as little as
they can) follow ``callEvents`` of one call while a writer POSTs lines at a
fixed rate, each request sent on schedule whether or not the previous one has
answered. The same run is made first against ``bench.fanout_app`` (bare
Starlette on the same uvicorn, one task writing one pre-encoded ``next`` frame
into every socket: the floor), then against the API. For each: the server
process's own CPU time over the frames its subscribers received, and for each
line the time from the writer sending it to the last subscriber having it
(p50 and p99 over all lines after a warm-up). The time from the mutation's
answer to the last receipt is reported beside it. Lines alternate speakers
and carry a sentiment three times in four, so most lines publish two events,
as in a real call; the bare endpoint sends the same two frames.

The rate is one the bare endpoint sustains on one core (5 lines/s to 1,000
screens is 8,750 frames/s; at 10 lines/s its backlog grew to a p99 of 6 s on
the 2-core machine): a rate past the floor's measures backlog, not delivery.
Targets (issue 18): CPU per frame at most 1.3 times the bare's, p99 at most twice the
bare's, every line delivered, nobody dropped.
"""

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import uvloop

from bench.api import ADD_LINE, CALL_EVENTS, Api, line
from bench.report import Benchmark, Figure, ms, percentile
from bench.servers import Server, app_server, reference_server
from bench.subscribers import Receipts, Share, SubscriberPool

CPU_TARGET = 1.3
LATENCY_TARGET = 2.0
CALL = "fanout"


@dataclass(frozen=True)
class Sizes:
    subscribers: int
    lines_per_second: float
    seconds: float
    warmup_lines: int
    processes: int


FULL = Sizes(subscribers=1_000, lines_per_second=5, seconds=12, warmup_lines=10, processes=2)
SMOKE = Sizes(subscribers=10, lines_per_second=20, seconds=1, warmup_lines=0, processes=1)


@dataclass(frozen=True)
class Run:
    """One server's figures."""

    cpu_per_frame: float
    p50: float
    p99: float
    answered_p99: float
    response_p50: float
    measured: int
    late: int
    receipts: Receipts

    def summary(self) -> str:
        return (
            f"{self.cpu_per_frame * 1e6:.0f} µs CPU per frame, POST → last receipt "
            f"p50 {ms(self.p50)} / p99 {ms(self.p99)}"
        )


async def _write(server: Server, sizes: Sizes) -> tuple[int, dict[int, float], dict[int, float]]:
    """Append lines on a fixed schedule: how many were sent, and when each was sent and answered, by order.

    An overloaded server gets ``seconds`` after the last line to answer; the
    rest count as not delivered, so the benchmark ends in bounded time.
    """
    answered: dict[int, float] = {}
    sent_at: dict[int, float] = {}
    total = sizes.warmup_lines + round(sizes.seconds * sizes.lines_per_second)
    interval = 1 / sizes.lines_per_second

    async with Api(server.http_url, server.token) as api:

        async def send(n: int) -> None:
            sending_at = time.monotonic()
            data = await api.data(ADD_LINE, **line(CALL, n))
            order = data["addTranscriptEntry"]["order"]
            answered[order] = time.monotonic()
            sent_at[order] = sending_at

        began = time.monotonic()
        sending = []
        for n in range(total):
            await asyncio.sleep(max(0.0, began + n * interval - time.monotonic()))
            sending.append(asyncio.create_task(send(n)))
        await asyncio.wait(sending, timeout=sizes.seconds)
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)
    return total, sent_at, answered


def measure(server: Server, sizes: Sizes) -> Run:
    share = Share(server.ws_url, server.token, CALL_EVENTS, [CALL], sizes.subscribers)
    with SubscriberPool(share, processes=sizes.processes) as pool:
        pool.mark()
        cpu = server.cpu_seconds()
        sent, sent_at, answered = uvloop.run(_write(server, sizes))
        if not answered:
            raise RuntimeError(f"none of {sent} lines was answered in time")
        receipts = pool.collect([(CALL, max(answered))], timeout=sizes.seconds)
        cpu = server.cpu_seconds() - cpu
    measured = sorted(answered)[sizes.warmup_lines :]
    complete = [n for n in measured if receipts.count.get((CALL, n), 0) == sizes.subscribers]
    if not complete:
        raise RuntimeError(f"no line reached all {sizes.subscribers} subscribers in time")
    end_to_end = [receipts.latest[(CALL, n)] - sent_at[n] for n in complete]
    after_answer = [receipts.latest[(CALL, n)] - answered[n] for n in complete]
    return Run(
        cpu_per_frame=cpu / max(receipts.frames, 1),
        p50=percentile(end_to_end, 0.50),
        p99=percentile(end_to_end, 0.99),
        answered_p99=percentile(after_answer, 0.99),
        response_p50=percentile([answered[n] - sent_at[n] for n in measured], 0.5),
        measured=len(complete),
        late=sent - sizes.warmup_lines - len(complete),
        receipts=receipts,
    )


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    with reference_server(workdir, "bench.fanout_app") as server:
        bare = measure(server, sizes)
    with app_server(workdir, "fanout") as server:

        async def start() -> None:
            async with Api(server.http_url, server.token) as api:
                await api.start_call(CALL)

        uvloop.run(start())
        api = measure(server, sizes)
    cpu_ratio = api.cpu_per_frame / bare.cpu_per_frame
    latency_ratio = api.p99 / bare.p99
    return Figure(
        number=3,
        name=BENCHMARK.name,
        value=f"CPU per frame {cpu_ratio:.2f}× the bare; p99 {latency_ratio:.1f}× ({ms(api.p99)})",
        detail=(
            f"{sizes.subscribers:,} callEvents subscribers, {sizes.lines_per_second:g} lines/s for "
            f"{sizes.seconds:g} s (most lines two events); API: {api.summary()}; "
            f"bare fan-out (bench/fanout_app.py): {bare.summary()}; "
            f"API mutation answered p50 {ms(api.response_p50)}, answer → last receipt p99 "
            f"{ms(api.answered_p99)}; {api.measured} lines measured, {api.late} not delivered to "
            f"all in time, {api.receipts.dropped} subscribers dropped as too slow; "
            f"{api.receipts.busiest()} (bare run: {max(bare.receipts.busy, default=0):.0%})"
        ),
        target=BENCHMARK.target,
        met=cpu_ratio <= CPU_TARGET
        and latency_ratio <= LATENCY_TARGET
        and not api.late
        and not api.receipts.dropped,
    )


BENCHMARK = Benchmark(
    number=3,
    name="fan-out",
    target=f"CPU per frame ≤ {CPU_TARGET}× the bare's, p99 POST → last ≤ {LATENCY_TARGET:g}× the bare's",
    run=run,
)
