"""3. Fan-out latency: how long until a spoken line is on every supervisor's screen?

``subscribers`` WebSocket clients (in client processes) follow ``callEvents``
of one call while a writer appends lines at a fixed rate, each request sent on
schedule whether or not the previous one has answered. For each line the
figure is the time from the writer having the mutation's response to the
last subscriber having the line's event; reported as p50 and p99 over all
lines after a warm-up (negative when every subscriber had the line before the
writer had its answer). The time from the writer sending the line to the last
receipt is reported beside it and must meet the target too: a server too busy
to keep up answers the mutation late as well, and the response-based figure
alone would hide the whole backlog in the response time. Lines alternate speakers and carry a sentiment three
times in four, so most lines publish two events, as in a real call.
"""

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import uvloop

from bench.api import ADD_LINE, CALL_EVENTS, Api, line
from bench.report import Benchmark, Figure, ms, percentile
from bench.servers import Server, app_server
from bench.subscribers import Share, SubscriberPool

TARGET = 0.100
CALL = "fanout"


@dataclass(frozen=True)
class Sizes:
    subscribers: int
    lines_per_second: float
    seconds: float
    warmup_lines: int
    processes: int


FULL = Sizes(subscribers=1_000, lines_per_second=20, seconds=30, warmup_lines=20, processes=2)
SMOKE = Sizes(subscribers=10, lines_per_second=20, seconds=1, warmup_lines=0, processes=1)


async def _start(server: Server) -> None:
    async with Api(server.http_url, server.token) as api:
        await api.start_call(CALL)


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


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    with app_server(workdir, "fanout") as server:
        uvloop.run(_start(server))
        share = Share(server.ws_url, server.token, CALL_EVENTS, [CALL], sizes.subscribers)
        with SubscriberPool(share, processes=sizes.processes) as pool:
            cpu = server.cpu_seconds()
            sent, sent_at, answered = uvloop.run(_write(server, sizes))
            if not answered:
                raise RuntimeError(f"none of {sent} lines was answered in time")
            receipts = pool.collect(max(answered), timeout=sizes.seconds)
            cpu = server.cpu_seconds() - cpu
    deliveries = sum(receipts.count.values())
    measured = sorted(answered)[sizes.warmup_lines :]
    complete = [order for order in measured if receipts.count.get(order, 0) == sizes.subscribers]
    latencies = [receipts.latest[order] - answered[order] for order in complete]
    end_to_end = [receipts.latest[order] - sent_at[order] for order in complete]
    responses = [answered[order] - sent_at[order] for order in measured]
    late = sent - sizes.warmup_lines - len(complete)
    if not latencies:
        raise RuntimeError(f"no line reached all {sizes.subscribers} subscribers in time")
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    whole_p50, whole_p99 = percentile(end_to_end, 0.50), percentile(end_to_end, 0.99)
    return Figure(
        number=3,
        name=BENCHMARK.name,
        value=f"p50 {ms(p50)} / p99 {ms(p99)}",
        detail=(
            f"mutation response → last of {sizes.subscribers:,} callEvents subscribers "
            f"(mutation sent → last receipt: p50 {ms(whole_p50)} / p99 {ms(whole_p99)}; "
            f"mutation answered in p50 {ms(percentile(responses, 0.5))}) "
            f"(in {sizes.processes} client process{'es' if sizes.processes > 1 else ''}); "
            f"{sizes.lines_per_second:g} lines/s for {sizes.seconds:g} s; "
            f"{len(complete)} lines measured, {late} not delivered to all in time, "
            f"{receipts.dropped} subscribers dropped as too slow; "
            f"server CPU per line delivered to one subscriber {cpu / max(deliveries, 1) * 1e6:.0f} µs"
        ),
        target=BENCHMARK.target,
        met=p99 <= TARGET and whole_p99 <= TARGET and not late and not receipts.dropped,
    )


BENCHMARK = Benchmark(number=3, name="fan-out latency", target=f"p99 ≤ {TARGET * 1000:.0f} ms", run=run)
