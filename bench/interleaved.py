"""The nested read (benchmark 5) on this checkout and another, interleaved in the same minutes.

    .venv/bin/python -m bench.interleaved ../other-checkout [--rounds 8] [--lines 1000]

On a shared 2-core machine the same code measured minutes apart differs by a third,
more than most changes do; two servers taking turns (15 requests each, ``rounds``
times) see the same machine, so the difference between them is the change's. The
other checkout runs with this one's environment (``python -m app`` from its
directory), so it must not need dependencies this one lacks.
"""

import argparse
import tempfile
from pathlib import Path

import uvloop

from bench.api import LIVE_CALL, Api
from bench.nested_read import FULL, seed
from bench.report import percentile
from bench.servers import ROOT, Server, app_server

TURN = 15


async def _compare(servers: dict[str, Server], rounds: int, lines: int) -> None:
    apis = {name: Api(server.http_url, server.token) for name, server in servers.items()}
    seconds: dict[str, list[float]] = {name: [] for name in servers}
    cpu = dict.fromkeys(servers, 0.0)
    for api in apis.values():
        await api.__aenter__()
        await seed(api, "large", lines)
        for _ in range(10):
            await api.timed(LIVE_CALL, callId="large", first=lines)
    try:
        for _ in range(rounds):
            for name, api in apis.items():
                before = servers[name].cpu_seconds()
                for _ in range(TURN):
                    seconds[name].append((await api.timed(LIVE_CALL, callId="large", first=lines))[0])
                cpu[name] += servers[name].cpu_seconds() - before
    finally:
        for api in apis.values():
            await api.__aexit__(None, None, None)
    for name, taken in seconds.items():
        p50, p99 = (percentile(taken, fraction) * 1000 for fraction in (0.5, 0.99))
        print(
            f"{name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"server CPU {cpu[name] / len(taken) * 1000:.1f} ms per request, {len(taken)} requests"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--lines", type=int, default=FULL.large, help="transcript lines of the call read")
    arguments = parser.parse_args()
    other: Path = arguments.other.resolve()
    with tempfile.TemporaryDirectory() as workdir:
        with (
            app_server(Path(workdir), "this") as this,
            app_server(Path(workdir), "other", root=other) as theirs,
        ):
            servers = {f"this checkout ({ROOT})": this, f"other checkout ({other})": theirs}
            uvloop.run(_compare(servers, arguments.rounds, arguments.lines))


if __name__ == "__main__":
    main()
