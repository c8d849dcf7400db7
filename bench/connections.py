"""4. Connections held: server memory per idle subscription.

One server process (one worker) holds ``subscriptions`` idle ``callEvents``
subscriptions, each on its own WebSocket, spread over ``calls`` calls and
opened from client processes. The figure is the growth of the server's
resident memory (VmRSS) from before the first to after the last, divided by
their number. A small warm-up pool is opened and closed first so imports and
first-use caches are not charged to the subscriptions.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import uvloop

from bench.api import CALL_EVENTS, Api
from bench.report import Benchmark, Figure, ms
from bench.servers import Server, app_server
from bench.subscribers import Share, SubscriberPool

TARGET_KB = 50


@dataclass(frozen=True)
class Sizes:
    subscriptions: int
    calls: int
    processes: int
    warmup: int
    settle: float


FULL = Sizes(subscriptions=10_000, calls=100, processes=4, warmup=50, settle=3)
SMOKE = Sizes(subscriptions=20, calls=2, processes=1, warmup=2, settle=0.2)


async def _start_calls(server: Server, call_ids: list[str]) -> None:
    async with Api(server.http_url, server.token) as api:
        for call_id in call_ids:
            await api.start_call(call_id)


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    call_ids = [f"call-{n}" for n in range(sizes.calls)]
    with app_server(workdir, "connections") as server:
        uvloop.run(_start_calls(server, call_ids))
        with SubscriberPool(
            Share(server.ws_url, server.token, CALL_EVENTS, call_ids, sizes.warmup), processes=1
        ):
            pass
        time.sleep(sizes.settle)
        before, cpu = server.rss_bytes(), server.cpu_seconds()
        share = Share(server.ws_url, server.token, CALL_EVENTS, call_ids, sizes.subscriptions)
        with SubscriberPool(share, processes=sizes.processes):
            opening = (server.cpu_seconds() - cpu) / sizes.subscriptions
            time.sleep(sizes.settle)
            after = server.rss_bytes()
    per_kb = (after - before) / sizes.subscriptions / 1024
    return Figure(
        number=4,
        name=BENCHMARK.name,
        value=f"{per_kb:.1f} KB per subscription",
        detail=(
            f"server RSS {before / 2**20:.0f} MB → {after / 2**20:.0f} MB holding "
            f"{sizes.subscriptions:,} idle callEvents subscriptions (one WebSocket each) on "
            f"{sizes.calls} calls, one worker; opening one cost {ms(opening)} of server CPU"
        ),
        target=BENCHMARK.target,
        met=per_kb <= TARGET_KB,
    )


BENCHMARK = Benchmark(number=4, name="connections held", target=f"≤ {TARGET_KB} KB each", run=run)
