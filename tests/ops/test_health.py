"""``/healthz`` and ``/readyz``: what a load balancer and an orchestrator ask."""

import shutil
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from app.core.config import Settings
from app.core.migrations import upgrade
from app.main import create_app
from tests.live import LiveServer


def test_healthz_says_the_process_is_up(client: TestClient) -> None:
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_checks_the_database_and_pub_sub(client: TestClient) -> None:
    response = client.get("/readyz")

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "ready")
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["pubsub"]["ok"] is True


def test_an_unreachable_database_makes_readyz_503_naming_it_while_healthz_stays_ok(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'calls.db'}")

    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        alive = client.get("/healthz")

    body = ready.json()
    assert ready.status_code == 503
    assert (body["status"], body["failed"]) == ("unavailable", ["database"])
    assert "unable to open database file" in body["checks"]["database"]["error"]
    assert body["checks"]["pubsub"]["ok"] is True
    assert alive.status_code == 200


def test_readiness_follows_a_database_that_goes_away_and_comes_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{data / 'calls.db'}")
    upgrade(settings)
    server = LiveServer(settings).start()
    readyz = f"http://127.0.0.1:{server.port}/readyz"
    try:
        first = httpx.get(readyz)
        shutil.rmtree(data)  # the volume is gone...
        server.run(server.services.db.dispose())  # ...and pooled connections to it were recycled
        gone = httpx.get(readyz)
        alive = httpx.get(f"http://127.0.0.1:{server.port}/healthz")
        data.mkdir()
        back = httpx.get(readyz)
    finally:
        server.stop()

    assert first.status_code == 200
    assert (gone.status_code, gone.json()["failed"]) == (503, ["database"])
    assert alive.status_code == 200
    assert back.status_code == 200


def test_readyz_answers_503_draining_once_shutdown_has_begun(live_server: LiveServer) -> None:
    live_server.run(live_server.app.state.drain.run())

    response = httpx.get(f"http://127.0.0.1:{live_server.port}/readyz")

    assert (response.status_code, response.json()["status"]) == (503, "draining")
