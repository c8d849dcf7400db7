"""A deadline fires exactly once across a server's restart and across two worker processes.

The event log is the judge: each call's ``callEvents`` replay must hold one ALERT_RAISED per
clock, with a cooldown of 0 so the rule's cooldown cannot hide a second firing.
"""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Settings
from tests.factories import Api
from tests.processes import ServerProcess
from tests.rules.clocks import FAST_POLL, rule, status
from tests.rules.documents import alerts, create_rule
from tests.rules.processes import ProcessApi, raised_events
from tests.scaled import only_scaled
from tests.workers import Worker, running_workers

HOLD = {"timeInState": {"state": "ON_HOLD", "seconds": 2}}


def _hold(api: Api, call_id: str) -> None:
    api.start_call(call_id)
    status(api, "CONNECTED", call_id)
    status(api, "ON_HOLD", call_id)


def _wait_for(api: Api, count: int, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while len(alerts(api)) < count:
        assert time.monotonic() < deadline, f"expected {count} alerts, got {alerts(api)}"
        time.sleep(0.05)


async def test_a_deadline_that_came_due_while_the_server_was_down_fires_once_when_it_is_back(
    settings: Settings, tmp_path: Path
) -> None:
    env = {"RULES_DEADLINE_POLL": str(FAST_POLL)}
    server = ServerProcess(settings.database_url, log=tmp_path / "server.log", env=env).start()
    api = ProcessApi(server.url)
    create_rule(api, rule(HOLD, cooldownSeconds=0))
    _hold(api, "call-1")
    before = alerts(api)
    server.kill()
    await asyncio.sleep(2.5)  # the clock comes due while no server runs

    restarted = ServerProcess(settings.database_url, log=tmp_path / "restarted.log", env=env).start()
    try:
        api = ProcessApi(restarted.url)
        _wait_for(api, 1)
        await asyncio.sleep(1)
        raised = await raised_events(restarted.url.replace("http", "ws", 1), "call-1")
    finally:
        restarted.stop()

    assert before == []
    assert [event["alert"]["reason"] for event in raised] == ["on hold for more than 2 s"]


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[list[Worker]]:
    with running_workers(settings.model_copy(update={"rules_deadline_poll": FAST_POLL}), tmp_path) as started:
        yield started


@only_scaled
async def test_two_workers_polling_the_same_deadlines_fire_each_once(workers: list[Worker]) -> None:
    apis = [ProcessApi(worker.http_url) for worker in workers]
    create_rule(apis[0], rule(HOLD, cooldownSeconds=0))
    calls = [f"call-{n}" for n in range(12)]
    for n, call_id in enumerate(calls):
        _hold(apis[n % 2], call_id)

    _wait_for(apis[0], len(calls))
    await asyncio.sleep(1)
    raised = {call_id: await raised_events(workers[1].ws_url, call_id) for call_id in calls}

    assert {call_id: len(events) for call_id, events in raised.items()} == dict.fromkeys(calls, 1)
    assert len(alerts(apis[1])) == len(calls)
