"""The simulator runs against a server that trusts only the exported documents (TRUSTED_DOCUMENTS)."""

import io
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from app.simulator.cli import simulate
from app.simulator.script import available, load
from tests.documents import export_manifest
from tests.live import LiveServer


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_manifest(tmp_path_factory.mktemp("documents") / "trusted-documents.json")


async def test_the_simulator_plays_every_script_with_only_its_exported_documents_trusted(
    start_server: Callable[..., LiveServer], exported: Path
) -> None:
    server = start_server(trusted_documents=exported)
    scripts = [load(path) for path in available().values()]

    played = await simulate(
        url=server.http_url, scripts=scripts, calls=len(scripts), speed=0, prefix="trusted", out=io.StringIO()
    )
    other = httpx2.post(server.http_url, json={"query": "{ liveCalls { callId } }"}, timeout=10)

    assert [(call.status, call.error) for call in played] == [("ENDED", None)] * len(scripts)
    assert other.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_ALLOWED"  # the list is in force
