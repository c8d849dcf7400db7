"""1. Append cost vs call length: is adding a line to a long call as cheap as to a short one?

Two calls on one server: one filled to ``long`` lines, one to ``short``. Then
``samples`` appends alternate between them, one request at a time, so both
medians see the same machine at the same moments; the figure is the ratio of
the two medians. A design that counts a call's rows per append grows linearly.
"""

from dataclasses import dataclass
from pathlib import Path

import uvloop

from bench.api import ADD_LINE, Api, line
from bench.report import Benchmark, Figure, median, ms
from bench.servers import Server, app_server

TARGET = 1.25


@dataclass(frozen=True)
class Sizes:
    short: int
    long: int
    samples: int


FULL = Sizes(short=100, long=10_000, samples=100)
SMOKE = Sizes(short=5, long=20, samples=5)


async def _measure(server: Server, sizes: Sizes) -> tuple[float, float]:
    async with Api(server.http_url, server.token) as api:
        await api.start_call("short")
        await api.start_call("long")
        await api.add_lines("short", sizes.short - 1)
        await api.add_lines("long", sizes.long - 1)
        at_short: list[float] = []
        at_long: list[float] = []
        for n in range(sizes.samples):
            seconds, _ = await api.timed(ADD_LINE, **line("long", sizes.long + n))
            at_long.append(seconds)
            seconds, _ = await api.timed(ADD_LINE, **line("short", sizes.short + n))
            at_short.append(seconds)
    return median(at_short), median(at_long)


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    with app_server(workdir, "append") as server:
        short, long = uvloop.run(_measure(server, sizes))
    ratio = long / short
    return Figure(
        number=1,
        name=BENCHMARK.name,
        value=f"{ratio:.2f}",
        detail=(
            f"median addTranscriptEntry at line {sizes.long:,} {ms(long)} ÷ at line {sizes.short:,} "
            f"{ms(short)} ({sizes.samples} each, alternating, one client)"
        ),
        target=BENCHMARK.target,
        met=ratio <= TARGET,
    )


BENCHMARK = Benchmark(number=1, name="append cost vs call length", target=f"≤ {TARGET}", run=run)
