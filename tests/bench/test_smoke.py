"""The benchmark suite at a tiny size, so it cannot rot: every figure is printed, no timing asserted."""

import subprocess
import sys
from pathlib import Path

from bench.__main__ import BENCHMARKS
from tests.scaled import store_independent

pytestmark = store_independent

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_run_prints_every_figure_with_the_core_count() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0].startswith("| # | figure | measured")
    figures = {row.split(" | ")[1]: row for row in rows[1:]}
    assert sorted(figures) == sorted(benchmark.name for benchmark in BENCHMARKS)
    for row in figures.values():
        assert "FAILED" not in row, row
    assert "cores" in run.stdout


def test_the_interleaved_comparison_prints_both_checkouts_figures() -> None:
    run = _interleaved("--rounds", "1", "--lines", "5", timeout=120)

    assert run.returncode == 0, run.stdout + run.stderr
    figures = [line for line in run.stdout.splitlines() if "server CPU" in line]
    assert len(figures) == 2, run.stdout
    assert all("ms per request, 15 requests" in line for line in figures), figures


def test_the_interleaved_appends_print_both_checkouts_turns() -> None:
    run = _interleaved("--appends", "--rounds", "1", "--seconds", "0.5", timeout=180)

    assert run.returncode == 0, run.stdout + run.stderr
    figures = [line for line in run.stdout.splitlines() if "appends/s" in line]
    assert [line.split(" (")[0] for line in figures] == ["other checkout", "this checkout"], run.stdout
    assert all(line.count(" µs") == 3 for line in figures), figures  # the mean and two turns each


def test_the_interleaved_comparison_refuses_a_turn_out_of_range() -> None:
    run = _interleaved("--appends", "--seconds", "0", timeout=60)

    assert run.returncode == 2
    assert "--seconds must be from 0.5 to 600" in run.stderr


def _interleaved(*arguments: str, timeout: float) -> "subprocess.CompletedProcess[str]":
    """``python -m bench.interleaved`` comparing this checkout with itself."""
    return subprocess.run(
        [sys.executable, "-m", "bench.interleaved", str(ROOT), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
