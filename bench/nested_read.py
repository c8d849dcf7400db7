"""5. Nested read: a supervisor opens one call's monitor with everything in it.

``liveCall`` with every field of every nested record (objectives, phases,
transcript lines, metrics, sentiment, system config, supervisor actions,
coaching recommendations) on a call of ``large`` lines, asked for all of
them. Latency is the p50 of sequential requests from one client against
the server process; SQL statements are counted in-process for the same
query on a call of ``small`` and of ``large`` lines, to show the count does
not grow with the call.
"""

from dataclasses import dataclass
from pathlib import Path

import uvloop

from bench import statements
from bench.api import ADD_ACTION, ADD_RECOMMENDATION, LIVE_CALL, Api
from bench.report import Benchmark, Figure, ms, percentile
from bench.servers import Server, app_server

TARGET = 0.025


@dataclass(frozen=True)
class Sizes:
    small: int
    large: int
    samples: int


FULL = Sizes(small=100, large=1_000, samples=100)
SMOKE = Sizes(small=5, large=20, samples=3)


async def seed(api: Api, call_id: str, lines: int) -> None:
    await api.start_call(call_id)
    await api.add_lines(call_id, lines)
    for _ in range(3):
        await api.data(ADD_ACTION, callId=call_id)
    for _ in range(2):
        await api.data(ADD_RECOMMENDATION, callId=call_id)


async def _measure(server: Server, sizes: Sizes) -> list[float]:
    async with Api(server.http_url, server.token) as api:
        await seed(api, "small", sizes.small)
        await seed(api, "large", sizes.large)
        _, data = await api.timed(LIVE_CALL, callId="large", first=sizes.large)
        if len(data["liveCall"]["transcripts"]) != sizes.large:
            raise RuntimeError("liveCall returned the wrong number of transcript lines")
        for _ in range(min(5, sizes.samples)):
            await api.timed(LIVE_CALL, callId="large", first=sizes.large)
        return [
            (await api.timed(LIVE_CALL, callId="large", first=sizes.large))[0] for _ in range(sizes.samples)
        ]


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    with app_server(workdir, "nested") as server:
        latencies = uvloop.run(_measure(server, sizes))
    at_small = len(statements.count(server, LIVE_CALL, {"callId": "small", "first": sizes.large}))
    at_large = len(statements.count(server, LIVE_CALL, {"callId": "large", "first": sizes.large}))
    p50 = percentile(latencies, 0.5)
    return Figure(
        number=5,
        name=BENCHMARK.name,
        value=f"p50 {ms(p50)}; {at_large} SQL statements",
        detail=(
            f"liveCall with all nested records and {sizes.large:,} transcript lines, "
            f"{sizes.samples} sequential requests (p99 {ms(percentile(latencies, 0.99))}); "
            f"statements {at_small} at {sizes.small:,} lines, {at_large} at {sizes.large:,}"
        ),
        target=BENCHMARK.target,
        met=p50 <= TARGET and at_small == at_large,
    )


BENCHMARK = Benchmark(
    number=5, name="nested read", target=f"p50 ≤ {TARGET * 1000:.0f} ms, statements constant", run=run
)
