"""The simulator's example rules, made on a real server, and the script that trips the first of them."""

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx2
from pydantic import SecretStr

from app.auth.roles import Role
from app.simulator.cli import simulate
from app.simulator.example_rules import EXAMPLE_RULES
from app.simulator.script import SCRIPTS_DIR, load, parse
from tests.live import Http, LiveServer

ROOT = Path(__file__).resolve().parents[2]
RULES = "{ rules { name severity campaignId enabled condition { kind } } }"
QUICK = load(SCRIPTS_DIR / "quick-callback.json")
SECRET = SecretStr("simulator-tests-signing-secret-0123456789")


async def _play(server: LiveServer, script_name: str, *, prefix: str, example_rules: bool) -> str:
    out = io.StringIO()
    [played] = await simulate(
        url=server.http_url,
        scripts=[load(SCRIPTS_DIR / f"{script_name}.json")],
        speed=0,
        prefix=prefix,
        example_rules=example_rules,
        out=out,
    )
    assert (played.status, played.error) == ("ENDED", None)
    return out.getvalue()


async def test_the_example_rules_are_made_once_however_often_the_simulator_runs(
    live_server: LiveServer, http: Http
) -> None:
    first = await _play(live_server, "quick-callback", prefix="first", example_rules=True)
    second = await _play(live_server, "quick-callback", prefix="second", example_rules=True)
    rules = (await http.data(RULES))["rules"]

    names = [rule["name"] for rule in EXAMPLE_RULES]
    assert sorted(rule["name"] for rule in rules) == sorted(names)
    assert all(rule["campaignId"] is None and rule["enabled"] for rule in rules)
    assert {rule["condition"]["kind"] for rule in rules} == {
        "PHRASES_SAID",
        "PHRASES_NOT_SAID",
        "TIME_IN_STATE",
    }
    assert f"Example rules: created {', '.join(names)}" in first
    assert f"Example rules: already there: {', '.join(names)}" in second


async def test_a_rule_of_an_example_name_is_left_as_it_is(live_server: LiveServer, http: Http) -> None:
    mine = {
        "name": EXAMPLE_RULES[0]["name"],
        "severity": "INFO",
        "condition": {"phrasesSaid": {"phrases": ["manager"]}},
    }
    await http.data("mutation($input: RuleInput!) { createRule(input: $input) { id } }", input=mine)

    await _play(live_server, "quick-callback", prefix="kept", example_rules=True)
    rules = (await http.data(RULES))["rules"]

    assert [rule["severity"] for rule in rules if rule["name"] == mine["name"]] == ["INFO"]
    assert len(rules) == len(EXAMPLE_RULES)


def test_the_command_makes_the_example_rules_unless_told_not_to(live_server: LiveServer) -> None:
    command = [sys.executable, "-m", "app", "simulate", "--url", live_server.http_url, "--speed", "0"]
    command += ["--script", "quick-callback"]

    skipped = subprocess.run(
        [*command, "--no-rules", "--call-prefix", "skip"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    rules_after_skipping = _rule_names(live_server)
    made = subprocess.run(
        [*command, "--call-prefix", "made"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (skipped.returncode, made.returncode) == (0, 0), skipped.stdout + made.stdout
    assert "Example rules" not in skipped.stdout
    assert rules_after_skipping == []
    assert "Example rules: created" in made.stdout
    assert _rule_names(live_server) == sorted(rule["name"] for rule in EXAMPLE_RULES)


async def test_the_manager_script_raises_the_critical_example_alert_on_its_call(
    live_server: LiveServer, http: Http
) -> None:
    await _play(live_server, "manager-request", prefix="manager", example_rules=True)
    alerts = (await http.data('{ alerts(callId: "manager-1") { ruleName severity status reason matched } }'))[
        "alerts"
    ]

    assert [(a["ruleName"], a["severity"], a["status"]) for a in alerts] == [
        ("Customer asks for a manager", "CRITICAL", "OPEN")
    ]
    assert "speak to a manager" in alerts[0]["reason"].lower()
    assert "Can I speak to a manager" in (alerts[0]["matched"] or "")


async def test_a_token_that_may_not_manage_rules_is_told_so_and_its_calls_still_play(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    pipeline = server.services.auth.mint(role=Role.PIPELINE, subject="voice-pipeline")
    script = parse("pipeline", {"call": QUICK.call, "steps": [{"status": "CONNECTED"}, {"end": True}]})
    out = io.StringIO()

    [played] = await simulate(
        url=server.http_url, scripts=[script], speed=0, token=pipeline, example_rules=True, out=out
    )

    assert (played.status, played.error) == ("ENDED", None)
    assert "Example rules: none made, the rules could not be listed (FORBIDDEN" in out.getvalue()


def _rule_names(server: LiveServer) -> list[str]:
    body = httpx2.post(server.http_url, json={"query": "{ rules { name } }"}, timeout=10).json()
    assert body.get("errors") is None, body
    return sorted(rule["name"] for rule in body["data"]["rules"])
