"""The monitor's "Coach agent" control in a real headless Chromium, while the simulator plays a call."""

import asyncio
import io
import json
from pathlib import Path

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load
from tests.browser import Browser
from tests.live import LiveServer

SCRIPT = load(SCRIPTS_DIR / "demo-booking.json")
SPEED = 10  # about twelve seconds for the script's two minutes: time to coach mid-call
TEXT = "Mention the annual discount"
REPLY = f"Understood — {TEXT}."


async def test_coaching_the_agent_shows_its_reply_line_and_the_instruction_applied(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    page = await browser.new_page(height=1500)
    await page.goto(f"http://127.0.0.1:{live_server.port}/monitor/")
    await page.wait_for("document.getElementById('connection').dataset.state === 'connected'")
    playing = asyncio.create_task(
        simulate(url=live_server.http_url, scripts=[SCRIPT], speed=SPEED, prefix="coach", out=io.StringIO())
    )
    await page.click('[data-call-id="coach-1"]')
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    await page.wait_for("document.querySelectorAll('#transcript .line.final').length >= 2")

    await page.evaluate(f"document.querySelector('[data-testid=coach-text]').value = {json.dumps(TEXT)}")
    await page.click("[data-testid=coach-send]")
    await page.wait_for(
        "[...document.querySelectorAll('#transcript .line-text')]"
        f".some((line) => line.textContent === {json.dumps(REPLY)})"
    )
    coached = (
        "[...document.querySelectorAll('[data-testid=instruction]')]"
        f".find((row) => row.textContent.includes({json.dumps(TEXT)}))"
    )
    await page.wait_for(f"{coached}?.dataset.status === 'APPLIED'")
    shown = await page.evaluate(f"{coached}.textContent")
    typed = await page.evaluate("document.querySelector('[data-testid=coach-text]').value")
    await page.screenshot(artifacts / "monitor-coach-agent.png")
    [played] = await playing

    assert "Applied" in shown
    assert typed == ""  # sent: the box is cleared for the next one
    assert played.status == "ENDED"
    assert page.errors == []
