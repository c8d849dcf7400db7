"""``python -m bench [--smoke] [--only N ...]``: run the benchmarks and print the table."""

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import (
    append_cost,
    capacity,
    connections,
    fanout,
    instruction_latency,
    mixed_writes,
    nested_read,
    redaction_cost,
    rules_cost,
    streamed_writes,
    write_throughput,
)
from bench.report import Benchmark, Figure, failed, table
from bench.subscribers import raise_fd_limit

BENCHMARKS: tuple[Benchmark, ...] = (
    append_cost.BENCHMARK,
    write_throughput.BENCHMARK,
    fanout.BENCHMARK,
    connections.BENCHMARK,
    nested_read.BENCHMARK,
    mixed_writes.BENCHMARK,
    redaction_cost.BENCHMARK,
    rules_cost.BENCHMARK,
    instruction_latency.BENCHMARK,
    capacity.BENCHMARK,
    streamed_writes.BENCHMARK,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="every benchmark at a tiny size (for CI)")
    parser.add_argument(
        "--only", type=int, nargs="+", metavar="N", help="run only these benchmarks (numbers 1 to 11)"
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep databases and server logs in DIR")
    args = parser.parse_args(argv)

    # Servers and client processes inherit the lifted limit: 10,000 sockets need as many descriptors.
    raise_fd_limit()
    selected = [b for b in BENCHMARKS if not args.only or b.number in args.only]
    mode = "smoke" if args.smoke else "full"
    began = time.monotonic()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = args.keep or Path(scratch)
        for benchmark in selected:
            workdir = root / str(benchmark.number)
            workdir.mkdir(parents=True, exist_ok=True)
            print(f"bench: {benchmark.number}. {benchmark.name} …", file=sys.stderr, flush=True)
            started = time.monotonic()
            try:
                figure = benchmark.run(workdir, args.smoke)
            except Exception as error:
                traceback.print_exc()
                figure = failed(benchmark.number, benchmark.name, benchmark.target, error)
            print(
                f"bench: {benchmark.number}. {figure.value} ({time.monotonic() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            figures.append(figure)
    print(table(figures, mode=mode, elapsed=time.monotonic() - began))
    return 1 if any(figure.value == "FAILED" for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
