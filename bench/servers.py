"""Real server processes on loopback: the API as deployed, and the bare baseline.

Every benchmark starts its own server on a fresh SQLite file, so one
benchmark's data or memory never colours another's figures. Servers log at
``warning`` (no access log line per request) and use uvicorn's defaults,
which pick uvloop and httptools when installed, as ``python -m app serve``
does in production.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from bench.api import SUBJECT

ROOT = Path(__file__).resolve().parents[1]


UVICORN_AS_APP = (
    *("--ws", "wsproto", "--http", "httptools", "--loop", "uvloop"),
    *("--ws-per-message-deflate", "false"),
)
"""What ``python -m app serve`` runs on by default (WS_IMPLEMENTATION, WS_COMPRESSION off), for
the reference apps to run on too: uvicorn alone would compress every frame."""


class ServerFailed(RuntimeError):
    """A server process exited or never started listening."""


@dataclass(frozen=True)
class Credentials:
    """A fresh signing key for one server, and a token signed with it.

    The API runs as deployed, authentication on: each request verifies a JWT.
    """

    secret: str
    token: str

    @classmethod
    def fresh(cls) -> "Credentials":
        secret = secrets.token_urlsafe(48)
        authenticator = Authenticator.from_settings(Settings(jwt_secret=secret, auth_disabled=False))
        token = authenticator.mint(role=Role.ADMIN, subject=SUBJECT, name="Benchmark", ttl_seconds=6 * 3600)
        return cls(secret, token)

    def settings(self, database_url: str) -> Settings:
        """Settings for an in-process app that accepts ``token``, over ``database_url``."""
        return Settings(database_url=database_url, jwt_secret=self.secret, auth_disabled=False)


class Server:
    """A running server process listening on ``127.0.0.1:port``.

    ``token`` is a bearer token the server accepts (an admin's, so one token
    can write, read and subscribe); the baseline has none.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        port: int,
        log: Path,
        *,
        credentials: Credentials | None = None,
        database_url: str = "",
    ) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.credentials = credentials
        self.database_url = database_url

    @property
    def token(self) -> str | None:
        return self.credentials.token if self.credentials else None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def rss_bytes(self) -> int:
        """Resident memory of the server process, from /proc."""
        self.check_alive()
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise ServerFailed("no VmRSS in /proc status")

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: all threads, user and system, its workers included."""
        self.check_alive()
        return tree_cpu_seconds(self.pid)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise ServerFailed(f"server exited with {self.process.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise ServerFailed(f"nothing listening on port {self.port} after {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of process ``pid`` and its descendants (living ones, and reaped ones through
    ``pid``'s children's times), user and system."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(field) for field in fields[11:15])
        todo.extend(children.get(current, ()))
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _spawn(command: list[str], env: dict[str, str], log: Path, root: Path = ROOT, **details: Any) -> Server:
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log, **details)
    try:
        server.wait_listening()
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def app_server(
    workdir: Path,
    name: str,
    *,
    workers: int = 1,
    root: Path = ROOT,
    module: str | None = None,
    **settings: str,
) -> Iterator[Server]:
    """``python -m app migrate`` then ``serve --no-migrate`` on a fresh SQLite file in ``workdir``;
    ``settings`` are more environment variables (``REDACT='[]'``, or another ``DATABASE_URL``);
    ``root`` is the checkout whose ``app`` runs (another one, to compare two side by side);
    ``module``, an app built on the API's (``bench.write_path_app``), served by uvicorn instead."""
    for stale in workdir.glob(f"{name}.db*"):
        stale.unlink()
    credentials = Credentials.fresh()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / f'{name}.db'}",
        "BROADCAST_URL": "memory://",
        "LOG_LEVEL": "warning",
        "ENVIRONMENT": "development",
        "AUTH_DISABLED": "false",
        "JWT_SECRET": credentials.secret,
        **settings,
    }
    log = workdir / f"{name}.log"
    with log.open("ab") as output:
        subprocess.run(
            [sys.executable, "-m", "app", "migrate"],
            cwd=root,
            env=env,
            stdout=output,
            stderr=output,
            check=True,
        )
    command = [sys.executable, "-m", "app", "serve", "--no-migrate", "--workers", str(workers)]
    if module is not None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{module}:app",
            "--log-level",
            "warning",
            *UVICORN_AS_APP,
        ]
    server = _spawn(command, env, log, root, credentials=credentials, database_url=env["DATABASE_URL"])
    try:
        yield server
    finally:
        server.stop()


def _uvicorn(module: str) -> list[str]:
    return [sys.executable, "-m", "uvicorn", f"{module}:app", "--log-level", "warning", *UVICORN_AS_APP]


@contextmanager
def reference_server(workdir: Path, module: str) -> Iterator[Server]:
    """A reference app (``bench.baseline_app``, ``bench.strawberry_app``), served by uvicorn like the API."""
    name = module.rpartition(".")[2]
    for stale in workdir.glob(f"{name}.db*"):
        stale.unlink()
    env = {**os.environ, "BASELINE_DATABASE": str(workdir / f"{name}.db")}
    server = _spawn(_uvicorn(module), env, workdir / f"{name}.log")
    try:
        yield server
    finally:
        server.stop()
