"""`simulate` finds the server where `serve` was told to listen: --port (and --host), as serve takes them."""

import subprocess
import sys
from pathlib import Path

from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]


def test_simulate_with_the_port_given_to_serve_plays_against_that_server(live_server: LiveServer) -> None:
    command = [sys.executable, "-m", "app", "simulate", "--port", str(live_server.port), "--host", "0.0.0.0"]
    command += ["--speed", "0", "--script", "quick-callback", "--call-prefix", "port", "--wait", "5"]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"against http://127.0.0.1:{live_server.port}/graphql" in done.stdout
    assert "1/1 calls ended, 0 failed" in done.stdout
