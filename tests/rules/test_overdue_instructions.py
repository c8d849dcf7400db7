"""An agent instruction not acknowledged within INSTRUCTION_ACK_TIMEOUT raises one alert, with no write.

The apps here give the pipeline the smallest timeout the setting takes, 1 s (2 s across
processes, so a server is surely killed before it comes due), and poll every 0.1 s.
"""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import ACKNOWLEDGE, SEND_INSTRUCTION, SUPERVISOR_ACTION, Api
from tests.processes import ServerProcess
from tests.rules.clocks import quiet_for, wait_for_alerts
from tests.rules.documents import alerts, attention
from tests.rules.processes import ProcessApi, raised_events
from tests.scaled import only_scaled
from tests.workers import Worker, running_workers

POLL = 0.1
FAST = {"instruction_ack_timeout": 1, "rules_deadline_poll": POLL}


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(settings.model_copy(update=FAST))) as client:
        yield Api(client)


def _send(api: Api, call_id: str = "call-1", text: str = "Offer the annual plan") -> dict[str, Any]:
    sent: dict[str, Any] = api.data(SEND_INSTRUCTION, callId=call_id, text=text)["sendAgentInstruction"]
    return sent


def _acknowledge(api: Api, instruction_id: str) -> None:
    api.data(ACKNOWLEDGE, id=instruction_id, outcome="APPLIED")


def test_an_instruction_not_acknowledged_in_time_raises_one_alert_with_no_write(api: Api) -> None:
    api.start_call()
    _send(api)

    wait_for_alerts(api)
    [alert] = quiet_for(api, 1)

    assert {k: alert[k] for k in ("callId", "ruleId", "ruleName", "severity", "status", "matched")} == {
        "callId": "call-1",
        "ruleId": None,
        "ruleName": "Instruction not acknowledged",
        "severity": "WARNING",
        "status": "OPEN",
        "matched": "Offer the annual plan",
    }
    assert alert["reason"] == "COACH instruction not acknowledged within 1 s: Offer the annual plan"
    assert attention(api)["warning"] == 1


def test_an_instruction_acknowledged_in_time_raises_no_alert(api: Api) -> None:
    api.start_call()
    _acknowledge(api, _send(api)["id"])

    assert quiet_for(api, 1.5) == []


def test_an_acknowledgement_after_the_alert_leaves_it_open_for_a_supervisor(api: Api) -> None:
    api.start_call()
    sent = _send(api)
    wait_for_alerts(api)

    _acknowledge(api, sent["id"])

    assert [alert["status"] for alert in quiet_for(api, 0.5)] == ["OPEN"]


def test_an_unacknowledged_instruction_on_an_ended_call_raises_no_alert(api: Api) -> None:
    api.start_call()
    api.data(SUPERVISOR_ACTION, callId="call-1", action="END_CALL", details=None)

    assert quiet_for(api, 1.5) == []


def _wait_for(api: Api, count: int, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while len(alerts(api)) < count:
        assert time.monotonic() < deadline, f"expected {count} alerts, got {alerts(api)}"
        time.sleep(0.05)


async def test_an_instruction_that_came_due_while_the_server_was_down_raises_one_alert_when_it_is_back(
    settings: Settings, tmp_path: Path
) -> None:
    env = {"INSTRUCTION_ACK_TIMEOUT": "2", "RULES_DEADLINE_POLL": str(POLL)}
    server = ServerProcess(settings.database_url, log=tmp_path / "server.log", env=env).start()
    api = ProcessApi(server.url)
    api.start_call()
    _send(api)
    before = alerts(api)
    server.kill()
    await asyncio.sleep(2.5)  # it comes due while no server runs

    restarted = ServerProcess(settings.database_url, log=tmp_path / "restarted.log", env=env).start()
    try:
        api = ProcessApi(restarted.url)
        _wait_for(api, 1)
        await asyncio.sleep(1)
        raised = await raised_events(restarted.url.replace("http", "ws", 1), "call-1")
    finally:
        restarted.stop()

    assert before == []
    assert [event["alert"]["reason"] for event in raised] == [
        "COACH instruction not acknowledged within 2 s: Offer the annual plan"
    ]


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[list[Worker]]:
    with running_workers(settings.model_copy(update=FAST), tmp_path) as started:
        yield started


@only_scaled
async def test_two_workers_polling_the_same_overdue_instructions_raise_each_alert_once(
    workers: list[Worker],
) -> None:
    apis = [ProcessApi(worker.http_url) for worker in workers]
    calls = [f"call-{n}" for n in range(12)]
    for n, call_id in enumerate(calls):
        apis[n % 2].start_call(call_id)
        _send(apis[n % 2], call_id)

    _wait_for(apis[0], len(calls))
    await asyncio.sleep(1)
    raised = {call_id: await raised_events(workers[1].ws_url, call_id) for call_id in calls}

    assert {call_id: len(events) for call_id, events in raised.items()} == dict.fromkeys(calls, 1)
    assert len(alerts(apis[1])) == len(calls)
