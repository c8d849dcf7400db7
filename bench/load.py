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


def loads_in_turns(
    first: Server,
    second: Server,
    bodies: list[dict[str, Any]],
    sizes: Sizes,
    workdir: Path,
    second_bodies: list[dict[str, Any]] | None = None,
) -> tuple[wrk.Result, wrk.Result]:
    """Each server's two loads in turns first-second-second-first (``load`` each turn) as one
    result: requests per second over both, server CPU per request over both. A machine whose
    speed drifts during the run weighs on both alike."""
    turns: dict[Server, list[wrk.Result]] = {first: [], second: []}
    for server in (first, second, second, first):
        sent = second_bodies if server is second and second_bodies is not None else bodies
        turns[server].append(load(server, sent, sizes, workdir))
    return _merged(turns[first]), _merged(turns[second])


def _merged(results: list[wrk.Result]) -> wrk.Result:
    requests = sum(result.requests for result in results)
    seconds = sum(result.requests / result.per_second for result in results if result.per_second)
    return wrk.Result(
        requests=requests,
        per_second=requests / seconds if seconds else 0.0,
        errors=sum(result.errors for result in results),
        server_cpu=sum(result.server_cpu * result.requests for result in results) / requests,
    )


def in_turns(
    first: Server, second: Server, bodies: list[dict[str, Any]], sizes: Sizes, workdir: Path
) -> tuple[float, float]:
    """Server CPU per request of each, loaded in turns (``loads_in_turns``)."""
    one, other = loads_in_turns(first, second, bodies, sizes, workdir)
    return one.server_cpu, other.server_cpu


async def start_calls(server: Server, calls: int) -> None:
    """Calls ``call-0`` … ``call-{calls - 1}``, for the bodies to write to."""
    async with Api(server.http_url, server.token) as api:
        for n in range(calls):
            await api.start_call(f"call-{n}")
