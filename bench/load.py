"""One wrk load against one server, measured the way benchmarks 2, 6 and 7 compare them.

An unmeasured warm-up, then the measured run; the server's own CPU time is
read around it and divided by the requests answered, which stays steady on a
busy machine where throughput does not.
"""

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import wrk
from bench.api import Api
from bench.servers import Server


@dataclass(frozen=True)
class Sizes:
    connections: int
    seconds: float
    warmup: float
    calls: int


FULL = Sizes(connections=32, seconds=6, warmup=2, calls=32)
SMOKE = Sizes(connections=32, seconds=1, warmup=0, calls=4)


def load(server: Server, bodies: list[dict[str, Any]], sizes: Sizes, workdir: Path) -> wrk.Result:
    if sizes.warmup:
        wrk.run(server, bodies, connections=sizes.connections, seconds=sizes.warmup, workdir=workdir)
    cpu = server.cpu_seconds()
    result = wrk.run(server, bodies, connections=sizes.connections, seconds=sizes.seconds, workdir=workdir)
    if result.errors:
        raise RuntimeError(f"{result.errors} of {result.requests} requests to {server.http_url} failed")
    return replace(result, server_cpu=(server.cpu_seconds() - cpu) / result.requests)


def in_turns(
    first: Server, second: Server, bodies: list[dict[str, Any]], sizes: Sizes, workdir: Path
) -> tuple[float, float]:
    """Server CPU per request of each, loaded in turns first-second-second-first (``load`` each
    turn): a machine whose speed drifts during the run weighs on both alike."""
    cpu = {first: 0.0, second: 0.0}
    requests = {first: 0, second: 0}
    for server in (first, second, second, first):
        result = load(server, bodies, sizes, workdir)
        cpu[server] += result.server_cpu * result.requests
        requests[server] += result.requests
    return cpu[first] / requests[first], cpu[second] / requests[second]


async def start_calls(server: Server, calls: int) -> None:
    """Calls ``call-0`` … ``call-{calls - 1}``, for the bodies to write to."""
    async with Api(server.http_url, server.token) as api:
        for n in range(calls):
            await api.start_call(f"call-{n}")
