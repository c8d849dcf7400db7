"""PostgreSQL and Redis for the scaled test leg: found running, or installed and started here.

``TEST_POSTGRES_URL`` / ``TEST_REDIS_URL`` name servers that already run (an
asyncpg URL whose user may create databases, and a ``redis://`` URL). Without
them, the servers are installed from Debian's packages when missing (CI runs as
root on a clean machine) and started on free loopback ports in temporary data
directories, tuned for tests (no fsync, no persistence), and removed afterwards.
``initdb`` refuses to run as root, so as root the PostgreSQL processes run as
the ``postgres`` user the package creates.

``python -m tests.infra`` starts both and prints their URLs, for poking around.
"""

import asyncio
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")

PACKAGES = ("postgresql", "redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, within: float = 15) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {within}s") from None
            time.sleep(0.02)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a loop of its own in another thread (a caller's loop may be running)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def ensure_installed() -> None:
    """apt-get the servers that are missing (needs root, as on CI)."""
    if postgres_bin() is not None and shutil.which("redis-server"):
        return
    if os.geteuid() != 0:
        raise RuntimeError(
            "PostgreSQL and Redis are needed: install them (apt-get install postgresql redis-server) "
            "or point TEST_POSTGRES_URL and TEST_REDIS_URL at running servers"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


class PostgresServer:
    """A throwaway PostgreSQL cluster on a loopback port."""

    def __init__(self) -> None:
        bin_dir = postgres_bin()
        assert bin_dir is not None, "PostgreSQL is not installed"
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="lcm-postgres-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            cwd=self.root,
            user=self.user,
        )

    def start(self) -> "PostgresServer":
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = " ".join(
            f"-c {setting}"
            for setting in (
                f"port={self.port}",
                "listen_addresses=127.0.0.1",
                f"unix_socket_directories={self.root}",
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
                "max_connections=300",
            )
        )
        log = str(self.root / "postgres.log")
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", log, "-o", options)
        return self

    def stop(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate"],
            capture_output=True,
            cwd=self.root,
            user=self.user,
        )
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A Redis without persistence on a loopback port; stop() and start() again restart it."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="lcm-redis-"))
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                "--logfile",
                str(self.root / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        """Kill the server: every client connection drops, as in a crash."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


class Infra:
    """The PostgreSQL and Redis one test session uses, and its databases.

    Copying the template takes most of a test's setup on PostgreSQL, so copies
    are made a few tests ahead, and dropped, on background threads (the
    database server works on the other core meanwhile).
    """

    AHEAD = 3

    def __init__(self) -> None:
        self.postgres_url = os.environ.get("TEST_POSTGRES_URL", "")
        self.redis_url = os.environ.get("TEST_REDIS_URL", "")
        self._owned: list[PostgresServer | RedisServer] = []
        self.template: str | None = None
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="test-databases")
        self._ahead: deque[Future[str]] = deque()

    def start(self) -> "Infra":
        if not (self.postgres_url and self.redis_url):
            ensure_installed()
        if not self.postgres_url:
            postgres = PostgresServer().start()
            self._owned.append(postgres)
            self.postgres_url = postgres.url
        if not self.redis_url:
            redis = RedisServer().start()
            self._owned.append(redis)
            self.redis_url = redis.url
        return self

    def use_template(self, url: str) -> None:
        """Hand out copies of the database at ``url`` from now on."""
        self.template = url

    def fresh_database(self) -> str:
        """A copy of the template nobody has used; returns its SQLAlchemy URL."""
        assert self.template is not None, "use_template() first"
        name = self.template.rpartition("/")[2]
        while len(self._ahead) < self.AHEAD + 1:
            self._ahead.append(self._workers.submit(self.create_database, template=name))
        return self._ahead.popleft().result()

    def discard_database(self, url: str) -> None:
        """Drop a used database, in the background."""
        self._workers.submit(self.drop_database, url)

    def stop(self) -> None:
        unused = [future.result() for future in self._ahead]
        self._workers.shutdown(wait=True)
        for url in unused:
            self.drop_database(url)
        if self.template is not None:
            self.drop_database(self.template)
        for server in reversed(self._owned):
            server.remove() if isinstance(server, RedisServer) else server.stop()

    async def _admin(self, *statements: str) -> None:
        connection = await asyncpg.connect(asyncpg_dsn(self.postgres_url))
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    def create_database(self, *, template: str | None = None) -> str:
        """A new empty (or template-copied) database; returns its SQLAlchemy URL."""
        name = f"lcm_{uuid.uuid4().hex[:16]}"
        clause = f" TEMPLATE {template}" if template else ""
        run_sync(self._admin(f"CREATE DATABASE {name}{clause}"))
        return with_database(self.postgres_url, name)

    def drop_database(self, url: str) -> None:
        name = url.rpartition("/")[2]
        run_sync(self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


if __name__ == "__main__":
    infra = Infra().start()
    print(f"TEST_POSTGRES_URL={infra.postgres_url}\nTEST_REDIS_URL={infra.redis_url}")
    print("running; Ctrl-C stops and removes both")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        infra.stop()
