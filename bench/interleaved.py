"""The nested read (benchmark 5) or the append (benchmark 2) on this checkout and another,
interleaved in the same minutes.

    .venv/bin/python -m bench.interleaved ../other-checkout [--rounds 8] [--lines 1000]
    .venv/bin/python -m bench.interleaved ../other-checkout --appends [--rounds 3]

On a shared 2-core machine the same code measured minutes apart differs by a third,
more than most changes do; two servers taking turns see the same machine, so the
difference between them is the change's. The nested read takes turns of 15 requests,
``rounds`` times. ``--appends`` loads each server with benchmark 2's wrk load (its 32
connections and final lines, a 2 s warm-up before each 6 s turn) in the order other,
this, this, other, ``rounds`` times, and prints each server's appends per second and
server CPU per append, every turn and their mean. A git worktree of the commit to compare
with (``git worktree add ../base HEAD~1``) is the other checkout. It runs with this one's
environment (``python -m app`` from its directory), so it must not need dependencies this
one lacks.
"""

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

import uvloop

from bench import wrk
from bench.api import LIVE_CALL, Api
from bench.load import FULL as APPENDS
from bench.load import load, start_calls
from bench.nested_read import FULL, seed
from bench.report import percentile
from bench.servers import ROOT, Server, app_server
from bench.write_throughput import bodies

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


def _compare_appends(servers: dict[str, Server], rounds: int, seconds: float, workdir: Path) -> None:
    """Benchmark 2's load in turns: the first server, the second twice, the first, each round."""
    wrk.ensure()
    sizes = replace(APPENDS, seconds=seconds, warmup=min(APPENDS.warmup, seconds))
    for server in servers.values():
        uvloop.run(start_calls(server, sizes.calls))
    first, second = servers
    turns: dict[str, list[wrk.Result]] = {name: [] for name in servers}
    for _ in range(rounds):
        for name in (first, second, second, first):
            turns[name].append(load(servers[name], bodies(sizes.calls), sizes, workdir))
    for name, results in turns.items():
        each = ", ".join(f"{r.per_second:,.0f}/s {r.server_cpu * 1e6:.0f} µs" for r in results)
        per_second = sum(r.per_second for r in results) / len(results)
        cpu = sum(r.server_cpu for r in results) / len(results)
        figures = f"{per_second:,.0f} appends/s, server CPU {cpu * 1e6:.0f} µs per append"
        print(f"{name}: {figures} (turns: {each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, help="turns of each server (nested read 8, --appends 3)")
    parser.add_argument("--lines", type=int, default=FULL.large, help="transcript lines of the call read")
    parser.add_argument("--appends", action="store_true", help="benchmark 2's appends, not the nested read")
    parser.add_argument(
        "--seconds", type=float, default=APPENDS.seconds, help="with --appends: a turn's length (0.5 to 600)"
    )
    arguments = parser.parse_args()
    other: Path = arguments.other.resolve()
    if arguments.rounds is None:
        arguments.rounds = 3 if arguments.appends else 8
    if not 1 <= arguments.rounds <= 1000:
        parser.error("--rounds must be from 1 to 1000")
    if not 0.5 <= arguments.seconds <= 600:
        parser.error("--seconds must be from 0.5 to 600")
    with tempfile.TemporaryDirectory() as workdir:
        with (
            app_server(Path(workdir), "this") as this,
            app_server(Path(workdir), "other", root=other) as theirs,
        ):
            if arguments.appends:
                servers = {f"other checkout ({other})": theirs, f"this checkout ({ROOT})": this}
                _compare_appends(servers, arguments.rounds, arguments.seconds, Path(workdir))
            else:
                servers = {f"this checkout ({ROOT})": this, f"other checkout ({other})": theirs}
                uvloop.run(_compare(servers, arguments.rounds, arguments.lines))


if __name__ == "__main__":
    main()
