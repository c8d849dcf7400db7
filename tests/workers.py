"""Real worker processes: ``python -m app serve`` on loopback ports, as a deployment runs them."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from app.core.config import Settings
from app.core.migrations import ROOT
from tests.infra import free_port, wait_for_port


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes another process's ``Settings()`` equal ``settings``."""
    env = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is None:
            continue
        env[name.upper()] = value if isinstance(value, str) else json.dumps(value)
    return env


class Worker:
    """One ``python -m app serve --no-migrate`` process, its output kept in a file."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        env = {**os.environ, **settings_env(settings), "LOG_LEVEL": "info"}
        command = [sys.executable, "-m", "app", "serve", "--no-migrate", "--host", "127.0.0.1"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                env=env,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, within: float = 30) -> None:
        try:
            wait_for_port(self.port, within)
        except TimeoutError:
            raise AssertionError(f"worker did not start:\n{self.output()}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"


@contextmanager
def running_workers(settings: Settings, logs: Path, count: int = 2) -> Iterator[list[Worker]]:
    """``count`` worker processes of one database, each ready, stopped at the end."""
    started = [Worker(settings, logs / f"worker-{n}.log") for n in range(count)]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()
