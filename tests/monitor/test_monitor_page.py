"""The monitor page in a real headless Chromium while the simulator plays a call."""

import asyncio
import io
import json
from pathlib import Path
from typing import Any

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load
from tests.browser import Browser, Page
from tests.live import Http, LiveServer

SCRIPT = load(SCRIPTS_DIR / "demo-booking.json")
CALL = "browser-1"
# About six seconds for the script's two minutes of call time.
SPEED = 20

# What the page shows, read from its DOM.
PAGE_STATE = """(() => ({
  lines: [...document.querySelectorAll('#transcript .line')].map((line) => ({
    order: Number(line.dataset.order),
    final: line.dataset.final === 'true',
    speaker: line.dataset.speaker,
    text: line.querySelector('.line-text').textContent,
  })),
  phases: Object.fromEntries(
    [...document.querySelectorAll('#phases [data-phase]')].map((p) => [p.dataset.phase, p.dataset.status])),
  status: document.querySelector('[data-testid=call-status]').dataset.status,
  boardStatus: document.querySelector('[data-call-id="CALL"]').dataset.status,
  actions: [...document.querySelectorAll('#action-log li')].map((li) => li.textContent),
  objectives: [...document.querySelectorAll('#objectives li')].map((li) => li.dataset.status),
  lastSequence: Number(document.querySelector('[data-testid=last-sequence]').textContent),
}))()""".replace("CALL", CALL)


async def _open_monitor(page: Page, server: LiveServer) -> None:
    await page.goto(f"http://127.0.0.1:{server.port}/monitor/")
    await page.wait_for("document.getElementById('connection').dataset.state === 'connected'")


async def _events_seen(page: Page) -> int:
    value: Any = await page.evaluate(
        "Number(document.querySelector('[data-testid=last-sequence]').textContent)"
    )
    return int(value)


async def test_the_monitor_follows_a_simulated_call_live_until_it_ends(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    page = await browser.new_page(height=1500)  # tall enough for the screenshots to show every panel
    await _open_monitor(page, live_server)
    playing = asyncio.create_task(
        simulate(url=live_server.http_url, scripts=[SCRIPT], speed=SPEED, prefix="browser", out=io.StringIO())
    )

    # The board's subscription lists the call as it starts; a click opens it.
    await page.click(f'[data-call-id="{CALL}"]')
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    opened_at = await _events_seen(page)
    # Lines and phase changes arrive through callEvents while the call goes on.
    await page.wait_for("document.querySelectorAll('#transcript .line.final').length >= 4")
    await page.wait_for("document.querySelector('[data-phase=Discovery]').dataset.status !== 'PENDING'")
    await page.click('button[data-action="BOOKMARK_MOMENT"]')
    await page.wait_for("document.querySelector('#action-log li') !== null")
    await page.screenshot(artifacts / "monitor-call-live.png")
    [played] = await playing
    await page.wait_for("document.querySelector('[data-testid=call-status]').dataset.status === 'ENDED'")
    seen = await page.evaluate(PAGE_STATE)
    await page.screenshot(artifacts / "monitor-call-ended.png")

    assert played.status == "ENDED"
    assert seen["lastSequence"] > opened_at  # events arrived live, after the call was opened
    spoken = [step for step in SCRIPT.steps if step.speaker]
    assert [(line["speaker"], line["text"]) for line in seen["lines"]] == [
        (step.speaker, step.value) for step in spoken
    ]
    assert all(line["final"] for line in seen["lines"])  # each interim line was replaced, in place
    assert [line["order"] for line in seen["lines"]] == list(range(len(spoken)))
    assert seen["phases"] == dict.fromkeys(
        ["Opening", "Discovery", "Value Proposition", "Objection Handling", "Closing"], "COMPLETED"
    )
    assert (seen["status"], seen["boardStatus"]) == ("ENDED", "ENDED")
    assert seen["objectives"] == ["COMPLETED"] * 5  # moved by the script, live through callEvents
    assert any("Supervisor: Bookmark moment" in action for action in seen["actions"])  # the page's own
    assert any("(simulated): Bookmark moment" in action for action in seen["actions"])  # the script's
    assert page.errors == []


async def test_the_monitor_opens_a_call_from_its_address_with_everything_so_far(
    live_server: LiveServer, browser: Browser
) -> None:
    [played] = await simulate(
        url=live_server.http_url,
        scripts=[load(SCRIPTS_DIR / "quick-callback.json")],
        speed=0,
        prefix="done",
        out=io.StringIO(),
    )
    page = await browser.new_page()

    await page.goto(f"http://127.0.0.1:{live_server.port}/monitor/?call=done-1")
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    texts = await page.evaluate(
        "[...document.querySelectorAll('#transcript .line-text')].map(e => e.textContent)"
    )

    assert played.status == "ENDED"
    assert texts == [step.value for step in played.script.steps if step.speaker]
    assert (
        await page.evaluate("document.querySelector('[data-testid=call-status]').dataset.status") == "ENDED"
    )
    assert await page.evaluate("[...document.querySelectorAll('#actions button')].every(b => b.disabled)")
    assert json.dumps(page.errors) == "[]"


def _drop_websockets(server: LiveServer) -> int:
    """Cut every WebSocket at the server without a closing handshake, as a network failure does."""

    async def drop() -> int:
        connections = server.server.server_state.connections
        # An HTTP connection between requests has no scope yet (None).
        sockets = [c for c in connections if (getattr(c, "scope", None) or {}).get("type") == "websocket"]
        for connection in sockets:
            connection.transport.abort()
        return len(sockets)

    return server.run(drop())


async def test_after_a_dropped_connection_the_page_resumes_without_losing_or_repeating_anything(
    live_server: LiveServer, browser: Browser
) -> None:
    script = load(SCRIPTS_DIR / "price-objection.json")
    page = await browser.new_page()
    await _open_monitor(page, live_server)
    playing = asyncio.create_task(
        simulate(url=live_server.http_url, scripts=[script], speed=SPEED, prefix="dropped", out=io.StringIO())
    )
    await page.click('[data-call-id="dropped-1"]')
    await page.wait_for("document.querySelectorAll('#transcript .line.final').length >= 2")

    dropped = _drop_websockets(live_server)
    await page.wait_for("Number(document.getElementById('connection').dataset.connections) >= 2")
    [played] = await playing
    await page.wait_for("document.querySelector('[data-testid=call-status]').dataset.status === 'ENDED'")
    texts = await page.evaluate(
        "[...document.querySelectorAll('#transcript .line-text')].map(e => e.textContent)"
    )
    shown = await _events_seen(page)
    http = Http(live_server.http_url)
    server_side = await http.data('{ liveCall(callId: "dropped-1") { lastSequence } }')
    await http.close()

    assert dropped >= 1
    assert played.status == "ENDED"
    assert texts == [step.value for step in script.steps if step.speaker]
    assert shown == server_side["liveCall"]["lastSequence"]
    assert page.errors == []
