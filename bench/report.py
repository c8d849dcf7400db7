"""The figures and the table they are printed in (Markdown, so it pastes into the README)."""

import math
import os
import platform
import sqlite3
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One line of the table: what was measured, against which target."""

    number: int
    name: str
    value: str
    detail: str
    target: str
    met: bool | None = None


def failed(number: int, name: str, target: str, error: BaseException) -> Figure:
    message = " ".join(str(error).split())[:160] or type(error).__name__
    return Figure(number, name, "FAILED", f"{type(error).__name__}: {message}", target, False)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """Cores first: every figure depends on them. Load average shows who else was using them."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({platform.machine()}), load average {load} at the end · "
        f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
    )


def table(figures: Sequence[Figure], *, mode: str, elapsed: float) -> str:
    rows = [
        f"Benchmarks ({mode} run, {elapsed:.0f} s) on {machine()}",
        "",
        "| # | figure | measured | target | met | how |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        met = {True: "yes", False: "no", None: "n/a"}[figure.met]
        cells = (str(figure.number), figure.name, figure.value, figure.target, met, figure.detail)
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Benchmark:
    """A benchmark of the suite: ``run(workdir, smoke)`` measures and returns its figure."""

    number: int
    name: str
    target: str
    run: Callable[[Path, bool], Figure]
