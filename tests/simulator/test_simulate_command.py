"""``python -m app simulate`` against a real server."""

import asyncio
import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, Script, load, parse
from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]

CALLS = """{
  liveCalls(first: 10) {
    callId status
    transcripts { speaker text isFinal }
    phases { phase status }
    supervisorActions { action }
    sentiment { positivePercentage neutralPercentage negativePercentage }
    systemConfig { totalCost }
    performanceMetrics { conversionProbability }
    coachingRecommendations { title }
  }
}"""


def _calls(server: LiveServer) -> dict[str, dict[str, Any]]:
    response = httpx.post(server.http_url, json={"query": CALLS}, timeout=30)
    body = response.json()
    assert body.get("errors") is None, body
    return {call["callId"]: call for call in body["data"]["liveCalls"]}


def _spoken(script: Script) -> list[dict[str, Any]]:
    return [
        {"speaker": step.speaker, "text": step.value, "isFinal": True}
        for step in script.steps
        if step.speaker
    ]


def test_one_command_plays_calls_in_parallel_against_a_fresh_server(live_server: LiveServer) -> None:
    command = [sys.executable, "-m", "app", "simulate", "--url", live_server.http_url]
    command += ["--speed", "0", "--calls", "3", "--script", "quick-callback", "--call-prefix", "cmd"]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    calls = _calls(live_server)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "3/3 calls ended, 0 failed" in done.stdout
    assert "/monitor/?call=cmd-1" in done.stdout
    script = load(SCRIPTS_DIR / "quick-callback.json")
    assert sorted(calls) == ["cmd-1", "cmd-2", "cmd-3"]
    for call in calls.values():
        assert call["status"] == "ENDED"
        assert call["transcripts"] == _spoken(script)
        assert {"action": "BOOKMARK_MOMENT"} in call["supervisorActions"]
        assert call["sentiment"] != {
            "positivePercentage": 33,
            "neutralPercentage": 67,
            "negativePercentage": 0,
        }
        completed = {phase["phase"] for phase in call["phases"] if phase["status"] == "COMPLETED"}
        assert completed == {"Opening", "Discovery"}


def test_a_faster_speed_still_paces_the_call_on_its_clock(live_server: LiveServer) -> None:
    script = load(SCRIPTS_DIR / "quick-callback.json")
    started = time.monotonic()

    [state] = _play(live_server, script, speed=10)

    assert state.status == "ENDED"
    assert time.monotonic() - started >= state.clock / 10


def test_a_call_ended_by_a_supervisor_stops_its_script_without_failing(live_server: LiveServer) -> None:
    script = parse(
        "ended",
        {
            "call": load(SCRIPTS_DIR / "quick-callback.json").call,
            "steps": [
                {"status": "CONNECTED"},
                {"supervisor": "END_CALL"},
                {"wait": 30, "agent": "Are you still there?"},
                {"end": True},
            ],
        },
    )

    [state] = _play(live_server, script, speed=0)

    assert (state.status, state.notes, state.error) == ("ENDED", ["ended by a supervisor"], None)


def test_an_unreachable_server_is_reported_without_playing() -> None:
    out = io.StringIO()

    calls = _run(
        simulate(
            url="http://127.0.0.1:9/graphql",
            scripts=[load(SCRIPTS_DIR / "quick-callback.json")],
            wait=0.5,
            out=out,
        )
    )

    assert calls == []
    assert "not ready" in out.getvalue()


def _play(server: LiveServer, script: Script, *, speed: float) -> list[Any]:
    return _run(simulate(url=server.http_url, scripts=[script], speed=speed, prefix="sim", out=io.StringIO()))


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
