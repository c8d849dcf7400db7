"""What the time-based rules' tests share: a fast-polling app, the call's moves, waiting on alerts."""

import time
from typing import Any

from tests.factories import Api
from tests.rules.documents import alerts

FAST_POLL = 0.05
"""RULES_DEADLINE_POLL in these tests: a clock fires within this of coming due."""

STATUS = """mutation($callId: String!, $status: CallStatus!) {
  updateCallStatus(callId: $callId, status: $status) { status } }"""
PHASE = """mutation($callId: String!, $phase: String!) {
  updateCallPhase(callId: $callId, phase: $phase) { currentPhase } }"""
END = "mutation($callId: String!) { endLiveCall(callId: $callId) { status } }"


def status(api: Api, value: str, call_id: str = "call-1") -> None:
    api.data(STATUS, callId=call_id, status=value)


def phase(api: Api, name: str, call_id: str = "call-1") -> None:
    api.data(PHASE, callId=call_id, phase=name)


def end(api: Api, call_id: str = "call-1") -> None:
    api.data(END, callId=call_id)


def rule(condition: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "name": fields.pop("name", next(iter(condition))),
        "severity": fields.pop("severity", "WARNING"),
        "condition": condition,
        **fields,
    }


def wait_for_alerts(api: Api, count: int = 1, within: float = 10, **filters: Any) -> list[dict[str, Any]]:
    """The alerts, once there are ``count`` of them (no write is made meanwhile)."""
    deadline = time.monotonic() + within
    while True:
        found = alerts(api, **filters)
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"{count} alert(s) expected, got {found}"
        time.sleep(0.02)


def quiet_for(api: Api, seconds: float) -> list[dict[str, Any]]:
    """The alerts after ``seconds`` of no write: long enough for a clock to come due and fire."""
    time.sleep(seconds)
    return alerts(api)
