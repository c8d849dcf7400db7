"""Alerts on the monitor page, in a real headless Chromium, while the simulator trips the example rules.

The server trusts only the exported documents (TRUSTED_DOCUMENTS), so the page's alert
documents and the simulator's rule documents are proven to be in that set too.
"""

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load, parse
from tests.browser import Browser, Page
from tests.documents import export_manifest
from tests.live import Http, LiveServer

MANAGER = load(SCRIPTS_DIR / "manager-request.json")
# An angrier call with no alert: its status changes carry its sentiment to the board before the
# manager request, so only the open CRITICAL alert can put the manager call above it.
ANGRY = parse(
    "angry",
    {
        "call": load(SCRIPTS_DIR / "price-objection.json").call,
        "steps": [
            {"status": "CONNECTED"},
            {"customer": "This is unacceptable.", "sentiment": "NEGATIVE", "interim": False},
            {"customer": "I am very unhappy with you.", "sentiment": "NEGATIVE", "interim": False},
            {"status": "ON_HOLD"},
            {"status": "CONNECTED"},
            {"wait": 60, "end": True},
        ],
    },
)
# The manager request comes about 25 s into the call and the call goes on for about 50 s more:
# a few seconds each at this speed, time enough to acknowledge and resolve while it is live.
SPEED = 8

ALERT = "document.querySelector('[data-testid=alert]')"
BADGE = "document.querySelector('[data-call-id=\"alerting-1\"] [data-testid=alert-badge]')"
BOARD_ORDER = "[...document.querySelectorAll('#calls [data-call-id]')].map((row) => row.dataset.callId)"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_manifest(tmp_path_factory.mktemp("documents") / "trusted-documents.json")


async def _open_monitor(page: Page, server: LiveServer) -> None:
    await page.goto(f"http://127.0.0.1:{server.port}/monitor/")
    await page.wait_for("document.getElementById('connection').dataset.state === 'connected'")


async def test_a_manager_request_raises_a_critical_alert_that_the_supervisor_acknowledges_and_resolves(
    start_server: Callable[..., LiveServer], browser: Browser, exported: Path, artifacts: Path
) -> None:
    server = start_server(trusted_documents=exported)
    page = await browser.new_page(height=1300)
    await _open_monitor(page, server)
    sound_before = await page.evaluate("document.getElementById('sound').dataset.state")
    await page.click("#sound")  # the first interaction arms the sound, as browsers require
    # The manager call starts first; the angry one after it is newer and more negative: above it.
    playing = asyncio.create_task(
        simulate(
            url=server.http_url,
            scripts=[MANAGER, ANGRY],
            calls=2,
            speed=SPEED,
            prefix="alerting",
            example_rules=True,
            out=io.StringIO(),
        )
    )
    await page.click('[data-call-id="alerting-1"]')
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    order_before = await page.wait_for(
        f"(() => {{ const o = {BOARD_ORDER}; return o.length === 2 && o; }})()"
    )

    badge = await page.wait_for(f"{BADGE} && {{...{BADGE}.dataset, text: {BADGE}.textContent}}")
    raised = await page.wait_for(f"{ALERT} && {{...{ALERT}.dataset, text: {ALERT}.textContent}}")
    order_after = await page.evaluate(BOARD_ORDER)
    cues = await page.evaluate(
        """({
          banner: document.getElementById('critical-banner').hidden ? null
            : document.getElementById('critical-banner').textContent,
          call: document.getElementById('call').classList.contains('critical'),
          row: document.querySelector('[data-call-id="alerting-1"]').classList.contains('critical'),
          sound: document.getElementById('sound').dataset.state,
          beeps: Number(document.getElementById('sound').dataset.beeps ?? 0),
        })"""
    )
    await page.screenshot(artifacts / "monitor-critical-alert.png")
    await page.click("[data-testid=alert] [data-testid=acknowledge-alert]")
    acknowledged = await page.wait_for(f"{ALERT}.dataset.status === 'ACKNOWLEDGED' && {ALERT}.textContent")
    still_open = await page.evaluate(f"{BADGE}?.dataset.count")
    await page.click("[data-testid=alert] [data-testid=resolve-alert]")
    await page.wait_for(f"{ALERT}.dataset.status === 'RESOLVED'")
    await page.wait_for(f"{BADGE} === null")  # the board's feed: no open alert left on the call
    after_resolve = await page.evaluate(
        """({
          banner: document.getElementById('critical-banner').hidden,
          call: document.getElementById('call').classList.contains('critical'),
          buttons: [...document.querySelectorAll('[data-testid=alert] button')].map((b) => b.disabled),
        })"""
    )
    played = await playing

    assert [(call.status, call.error) for call in played] == [("ENDED", None)] * 2
    assert sound_before == "locked"
    assert order_before == ["alerting-2", "alerting-1"]
    assert (badge["testid"], badge["severity"], badge["count"]) == ("alert-badge", "CRITICAL", "1")
    assert "1" in badge["text"]
    assert (raised["severity"], raised["status"]) == ("CRITICAL", "OPEN")
    assert "Customer asks for a manager" in raised["text"]
    assert "speak to a manager" in raised["text"].lower()
    assert order_after == ["alerting-1", "alerting-2"]  # the call that needs a supervisor moved up
    assert cues["banner"] is not None and MANAGER.call["customerName"] in cues["banner"]
    assert cues["call"] and cues["row"]
    assert (cues["sound"], cues["beeps"]) == ("on", 1)  # once, though the board and the call both saw it
    assert "Acknowledged" in acknowledged
    assert still_open == "1"  # acknowledged is still open
    assert after_resolve == {"banner": True, "call": False, "buttons": [True, True]}
    assert page.errors == []


DISCLOSURE = {
    "name": "Disclosure within 3 s",
    "severity": "WARNING",
    "condition": {
        "phrasesNotSaid": {"speaker": "AGENT", "phrases": ["this call may be recorded"], "withinSeconds": 3}
    },
}
HOLD = {
    "name": "On hold over 2 s",
    "severity": "WARNING",
    "condition": {"timeInState": {"state": "ON_HOLD", "seconds": 2}},
}
CREATE_RULE = "mutation($input: RuleInput!) { createRule(input: $input) { id } }"


async def _alerts_of(page: Page, call_id: str) -> list[dict[str, str]]:
    await page.click(f'#calls [data-call-id="{call_id}"]')
    await page.wait_for(f"document.getElementById('call-id').textContent === '{call_id}'")
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    rows = await page.wait_for(
        "(() => { const rows = [...document.querySelectorAll('[data-testid=alert]')];"
        " return rows.length && rows.map((row) => ({...row.dataset, text: row.textContent})); })()"
    )
    return list(rows)


async def test_a_skipped_disclosure_and_a_long_hold_raise_their_warnings_with_no_write_at_all(
    start_server: Callable[..., LiveServer], browser: Browser
) -> None:
    server = start_server(rules_deadline_poll=0.1)
    http = Http(server.http_url)
    for rule in (DISCLOSURE, HOLD):
        await http.data(CREATE_RULE, input=rule)
    await http.close()
    page = await browser.new_page(height=1300)
    await _open_monitor(page, server)
    skipped, held = load(SCRIPTS_DIR / "skipped-disclosure.json"), load(SCRIPTS_DIR / "long-hold.json")
    # About 7 s each at this speed: past the disclosure's 3 s, and a hold of 7 s.
    played = await simulate(
        url=server.http_url, scripts=[skipped, held], calls=2, speed=SPEED, prefix="timed", out=io.StringIO()
    )
    badges = await page.wait_for(
        "(() => { const b = [...document.querySelectorAll('#calls [data-testid=alert-badge]')];"
        " return b.length === 2 && Object.fromEntries(b.map((e) =>"
        " [e.closest('[data-call-id]').dataset.callId, e.dataset.severity])); })()"
    )
    disclosure_alerts = await _alerts_of(page, "timed-1")
    hold_alerts = await _alerts_of(page, "timed-2")

    assert [(call.status, call.error) for call in played] == [("ENDED", None)] * 2
    assert badges == {"timed-1": "WARNING", "timed-2": "WARNING"}
    assert [(a["severity"], a["status"]) for a in disclosure_alerts] == [("WARNING", "OPEN")]
    assert DISCLOSURE["name"] in disclosure_alerts[0]["text"]
    assert [(a["severity"], a["status"]) for a in hold_alerts] == [
        ("WARNING", "OPEN")
    ]  # it said the disclosure
    assert HOLD["name"] in hold_alerts[0]["text"]
    assert page.errors == []
