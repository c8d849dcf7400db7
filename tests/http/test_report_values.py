"""report.json writes enum values and instants exactly as the GraphQL API does; report.md's sections."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import Api
from tests.live import LiveServer
from tests.post_call import create_campaign, scripted_call

AS_THE_API_SAYS = """
query Same($callId: String!) {
  callAnalytics(callId: $callId) {
    startTime endTime
    sentiment { trend updatedAt lastPositiveMoment lastNegativeMoment }
    phases { phase status startTime endTime quality }
    objectives { objective status startedAt endedAt }
    bookmarks { action timestamp }
    flags { action timestamp }
  }
  liveCall(callId: $callId) { transcripts { speaker sentiment } }
}
"""
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


@pytest.fixture
def http_client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{live_server.port}", timeout=30) as client:
        yield client


@pytest.fixture
def ended_call(http_client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """report.json of the scripted call, and what the API answers about the same call."""
    api = Api(http_client)  # type: ignore[arg-type]  # the same requests, over a real socket
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")
    report: dict[str, Any] = http_client.get("/calls/call-1/report.json").json()
    return report, api.data(AS_THE_API_SAYS, callId="call-1")


def _picked(record: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in like}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_json_report_names_enum_values_as_the_api_does(
    ended_call: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    report, api = ended_call
    analytics, said = report["analytics"], api["callAnalytics"]

    assert analytics["sentiment"]["trend"] == said["sentiment"]["trend"] == "IMPROVING"
    assert [(p["phase"], p["status"], p["quality"]) for p in analytics["phases"]] == [
        (p["phase"], p["status"], p["quality"]) for p in said["phases"]
    ]
    statuses = [o["status"] for o in analytics["objectives"]["items"]]
    assert statuses == [o["status"] for o in said["objectives"]] == ["COMPLETED", "MISSED", "PENDING"]
    assert [(line["speaker"], line["sentiment"]) for line in report["transcript"]] == [
        (line["speaker"], line["sentiment"]) for line in api["liveCall"]["transcripts"]
    ]


def test_the_json_report_writes_every_instant_as_the_api_does(
    ended_call: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    report, api = ended_call
    analytics, said = report["analytics"], api["callAnalytics"]

    instants = [text for text in _strings(report) if INSTANT.match(text)]
    assert len(instants) > 10
    assert {text[-6:] for text in instants} == {"+00:00"}
    assert _picked(analytics, {"startTime": 0, "endTime": 0}) == _picked(said, {"startTime": 0, "endTime": 0})
    assert _picked(analytics["sentiment"], said["sentiment"]) == said["sentiment"]
    assert [_picked(p, said["phases"][0]) for p in analytics["phases"]] == said["phases"]
    assert [_picked(o, said["objectives"][0]) for o in analytics["objectives"]["items"]] == said["objectives"]
    assert [_picked(b, {"action": 0, "timestamp": 0}) for b in analytics["bookmarks"]] == said["bookmarks"]
    assert [_picked(f, {"action": 0, "timestamp": 0}) for f in analytics["flags"]] == said["flags"]


def test_the_markdown_report_says_none_under_supervisor_actions_when_there_were_none(
    http_client: httpx.Client,
) -> None:
    api = Api(http_client)  # type: ignore[arg-type]
    api.start_call("quiet")
    api.data('mutation { endLiveCall(callId: "quiet") { status } }')

    text = http_client.get("/calls/quiet/report.md").text

    section = text.split("## Supervisor actions\n", 1)[1].split("\n## ", 1)[0]
    assert section.strip() == "None."
