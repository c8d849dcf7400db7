"""The monitor page works against a server that trusts only the exported documents (TRUSTED_DOCUMENTS)."""

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load
from tests.browser import Browser
from tests.documents import export_manifest
from tests.live import LiveServer

CALL = "trusted-1"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_manifest(tmp_path_factory.mktemp("documents") / "trusted-documents.json")


async def test_the_monitor_follows_and_bookmarks_a_call_with_only_its_exported_documents_trusted(
    start_server: Callable[..., LiveServer], browser: Browser, exported: Path
) -> None:
    server = start_server(trusted_documents=exported)
    page = await browser.new_page()
    await page.goto(f"http://127.0.0.1:{server.port}/monitor/")
    await page.wait_for("document.getElementById('connection').dataset.state === 'connected'")
    script = load(SCRIPTS_DIR / "demo-booking.json")
    playing = asyncio.create_task(
        simulate(url=server.http_url, scripts=[script], speed=20, prefix="trusted", out=io.StringIO())
    )

    await page.click(f'[data-call-id="{CALL}"]')  # the board: its query and its subscription
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")  # the call's query
    await page.wait_for("document.querySelectorAll('#transcript .line.final').length >= 2")  # its events
    await page.click('button[data-action="BOOKMARK_MOMENT"]')  # the supervisor's mutation
    logged = await page.wait_for("document.querySelector('#action-log li')?.textContent")
    [played] = await playing
    await page.wait_for("document.querySelector('[data-testid=call-status]').dataset.status === 'ENDED'")
    other = httpx2.post(server.http_url, json={"query": "{ liveCalls { callId } }"}, timeout=10)

    assert played.status == "ENDED"
    assert "Bookmark moment" in logged
    assert page.errors == []
    assert other.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_ALLOWED"  # the list is in force
