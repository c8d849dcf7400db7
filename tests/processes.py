"""A server in its own process (``python -m app serve``), for crash and multi-worker tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    def __init__(self, database_url: str, *, workers: int = 1, log: Path, env: dict[str, str] | None = None):
        self.database_url = database_url
        self.workers = workers
        self.log = log
        self.env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self) -> "ServerProcess":
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "LOG_LEVEL": "warning",
            "AUTH_DISABLED": "true",
            **self.env,
        }
        command = [sys.executable, "-m", "app", "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, f"server exited: {self.log.read_text()[-2000:]}"
            try:
                response = httpx2.post(self.url, json={"query": "{ __typename }"}, timeout=1)
                if response.status_code == 200:
                    return self
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server and its workers: no shutdown code runs."""
        assert self.process is not None
        for pid in _tree(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes), children first."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    found: list[int] = []
    for child in children:
        found.extend(_tree(child))
    return [*found, pid]
