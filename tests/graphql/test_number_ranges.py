"""Every number has a finite, documented range; every number that comes out is finite.

Inputs outside their range are BAD_USER_INPUT naming the field and write nothing
(the ranges are in app/calls/ranges.py and the README's "Valid ranges" table).
The ranges make every derived value finite by construction: at the top of both,
duration / 60 * costPerMinute is 604,800 / 60 * 1,000 = 10,080,000. JSON the
server encodes itself (report.json, the webhook body) never carries Infinity or
NaN: a number JSON cannot carry is an error, not invalid JSON.
"""

import json
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from app.analytics.models import CallAnalytics
from app.calls.models import CallSystemConfig, LiveCall
from app.core.db import Database
from app.webhooks.models import WebhookEvent
from tests.factories import Api, TransportWs
from tests.post_call import CREATE_CAMPAIGN, create_campaign, end_call

INT_MAX = 2**31 - 1
INT_MIN = -(2**31)
LARGEST_FLOAT = 1.7976931348623157e308

PROGRESS = """
mutation Progress($callId: String!, $duration: Float! = 10, $agentGain: Float, $customerGain: Float) {
  updateCallProgress(callId: $callId, duration: $duration, agentGain: $agentGain,
                     customerGain: $customerGain) { callId }
}
"""
METRICS = """
mutation Metrics($callId: String!, $metrics: PerformanceMetricsInput!) {
  updatePerformanceMetrics(callId: $callId, metrics: $metrics) { scriptAdherence }
}
"""
TIP = """
mutation Tip($callId: String!, $priority: Int!) {
  addCoachingRecommendation(callId: $callId, type: WARNING, title: "t", description: "d",
                            priority: $priority) { priority }
}
"""
SYSTEM = """
mutation System($callId: String!, $latency: Float, $errorRate: Float) {
  updateSystemStatus(callId: $callId, service: LLM, status: ACTIVE, latency: $latency,
                     errorRate: $errorRate) { apiLatency }
}
"""
LINE = """
mutation Line($callId: String!, $confidence: Float) {
  addTranscriptEntry(callId: $callId, timestamp: "00:01", speaker: AGENT, text: "Hi",
                     confidence: $confidence, isFinal: true) { order }
}
"""
OBJECTIVE = """
mutation Objective($callId: String!, $order: Int!) {
  updateCallObjective(callId: $callId, order: $order, status: IN_PROGRESS) { status }
}
"""
TRANSCRIPTS = """
query Lines($callId: String!, $first: Int, $after: Int) {
  liveCall(callId: $callId) { transcripts(first: $first, after: $after) { order } }
}
"""
BOARD = "query Board($first: Int) { liveCalls(first: $first) { callId } }"
DELIVERIES = "query Deliveries($first: Int!) { webhookDeliveries(first: $first) { id } }"
EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) { sequence }
}
"""
COST = """
query Cost($callId: String!) {
  liveCall(callId: $callId) { duration systemConfig { costPerMinute totalCost } }
  callAnalytics(callId: $callId) { duration elapsedSeconds costPerMinute totalCost }
}
"""
REPORT = """
query Report($campaignId: String!) {
  campaignReport(campaignId: $campaignId) { calls averageDuration totalCost averageCost }
}
"""

METRIC_FIELDS = (
    "scriptAdherence",
    "agentConfidence",
    "conversationQuality",
    "prospectEngagement",
    "conversionProbability",
    "demoAcceptanceProbability",
)

OUT_OF_RANGE_ON_A_CALL = [
    pytest.param(PROGRESS, {"duration": 604_800.5}, "duration", id="duration just over 7 days"),
    pytest.param(PROGRESS, {"duration": 1e300}, "duration", id="duration 1e300"),
    pytest.param(PROGRESS, {"duration": LARGEST_FLOAT}, "duration", id="duration largest float"),
    pytest.param(PROGRESS, {"duration": -LARGEST_FLOAT}, "duration", id="duration lowest float"),
    pytest.param(PROGRESS, {"agentGain": LARGEST_FLOAT}, "agentGain", id="agentGain largest float"),
    pytest.param(PROGRESS, {"customerGain": -1e300}, "customerGain", id="customerGain -1e300"),
    pytest.param(LINE, {"confidence": LARGEST_FLOAT}, "confidence", id="confidence largest float"),
    *(
        pytest.param(METRICS, {"metrics": {name: LARGEST_FLOAT}}, f"metrics.{name}", id=f"{name} largest")
        for name in METRIC_FIELDS
    ),
    pytest.param(SYSTEM, {"latency": 3_600_000.5}, "latency", id="latency just over an hour"),
    pytest.param(SYSTEM, {"latency": LARGEST_FLOAT}, "latency", id="latency largest float"),
    pytest.param(SYSTEM, {"errorRate": LARGEST_FLOAT}, "errorRate", id="errorRate largest float"),
    pytest.param(TIP, {"priority": INT_MAX}, "priority", id="priority largest Int"),
    pytest.param(TIP, {"priority": INT_MIN}, "priority", id="priority lowest Int"),
    pytest.param(OBJECTIVE, {"order": -1}, "order", id="order -1"),
    pytest.param(OBJECTIVE, {"order": 50}, "order", id="order 50"),
    pytest.param(OBJECTIVE, {"order": INT_MAX}, "order", id="order largest Int"),
]


def strict_json(text: str) -> Any:
    """Parse as JSON proper: Python's parser would read Infinity and NaN too."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def assert_bad_input(error: dict[str, Any], field: str) -> None:
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == field
    assert error["message"].startswith(f"{field}: ")


@pytest.mark.parametrize(("document", "variables", "field"), OUT_OF_RANGE_ON_A_CALL)
def test_a_number_out_of_its_range_on_a_call_is_bad_user_input_and_writes_nothing(
    api: Api, document: str, variables: dict[str, Any], field: str
) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(document, callId="call-1", **variables)

    assert_bad_input(error, field)
    assert api.live_call("call-1") == before


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        pytest.param({"costPerMinute": 1_000.01}, "costPerMinute", id="costPerMinute just over 1000"),
        pytest.param({"costPerMinute": 1e300}, "costPerMinute", id="costPerMinute 1e300"),
        pytest.param({"costPerMinute": -1e-9}, "costPerMinute", id="costPerMinute negative"),
        pytest.param({"retentionDays": 36_500.5}, "retentionDays", id="retentionDays just over 100 years"),
        pytest.param({"retentionDays": 1_000_000.0}, "retentionDays", id="retentionDays a million"),
        pytest.param({"retentionDays": LARGEST_FLOAT}, "retentionDays", id="retentionDays largest float"),
        pytest.param({"retentionDays": 0.0}, "retentionDays", id="retentionDays 0"),
        pytest.param({"retentionDays": -1.0}, "retentionDays", id="retentionDays negative"),
    ],
)
def test_a_campaign_number_out_of_its_range_is_bad_user_input_and_creates_nothing(
    api: Api, variables: dict[str, Any], field: str
) -> None:
    arguments = {"name": "Q4", "objectives": ["Say hello"], "costPerMinute": 0.05, **variables}

    error = api.error(CREATE_CAMPAIGN, **arguments)

    assert_bad_input(error, field)
    assert api.data("{ campaigns { id } }") == {"campaigns": []}


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        pytest.param(TRANSCRIPTS, {"first": 0}, "first", id="transcripts first 0"),
        pytest.param(TRANSCRIPTS, {"first": 1_001}, "first", id="transcripts first 1001"),
        pytest.param(TRANSCRIPTS, {"first": INT_MAX}, "first", id="transcripts first largest Int"),
        pytest.param(TRANSCRIPTS, {"after": -2}, "after", id="transcripts after -2"),
        pytest.param(TRANSCRIPTS, {"after": INT_MIN}, "after", id="transcripts after lowest Int"),
        pytest.param(BOARD, {"first": 0}, "first", id="liveCalls first 0"),
        pytest.param(BOARD, {"first": 201}, "first", id="liveCalls first 201"),
        pytest.param(BOARD, {"first": INT_MIN}, "first", id="liveCalls first lowest Int"),
        pytest.param(DELIVERIES, {"first": 0}, "first", id="webhookDeliveries first 0"),
        pytest.param(DELIVERIES, {"first": INT_MAX}, "first", id="webhookDeliveries first largest Int"),
    ],
)
def test_a_page_size_or_cursor_out_of_its_range_is_bad_user_input(
    api: Api, document: str, variables: dict[str, Any], field: str
) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Hi")

    error = api.error(document, callId="call-1", **variables)

    assert_bad_input(error, field)


@pytest.mark.parametrize("after", [-1, INT_MAX], ids=["negative", "largest Int"])
def test_an_after_sequence_out_of_its_range_is_bad_user_input(
    api: Api, client: TestClient, after: int
) -> None:
    api.start_call("call-1")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(EVENTS, callId="call-1", after=after)
        [error] = ws.next()["errors"]

    assert_bad_input(error, "afterSequence")


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        pytest.param(PROGRESS, {"duration": 604_800, "agentGain": 100, "customerGain": 0}, id="progress"),
        pytest.param(SYSTEM, {"latency": 3_600_000, "errorRate": 1}, id="system status"),
        pytest.param(LINE, {"confidence": 1}, id="confidence"),
        pytest.param(METRICS, {"metrics": dict.fromkeys(METRIC_FIELDS, 100)}, id="metrics"),
        pytest.param(TIP, {"priority": 10}, id="priority"),
        pytest.param(OBJECTIVE, {"order": 4}, id="last default objective"),
        pytest.param(TRANSCRIPTS, {"first": 1_000, "after": -1}, id="transcripts from the start"),
        pytest.param(TRANSCRIPTS, {"after": INT_MAX}, id="transcripts after the largest Int"),
        pytest.param(BOARD, {"first": 200}, id="liveCalls"),
        pytest.param(DELIVERIES, {"first": 200}, id="webhookDeliveries"),
    ],
)
def test_the_ends_of_every_range_are_accepted(api: Api, document: str, variables: dict[str, Any]) -> None:
    api.start_call("call-1")

    api.data(document, callId="call-1", **variables)


def test_the_ends_of_the_campaign_ranges_are_accepted(api: Api) -> None:
    costly = create_campaign(api, "costly", costPerMinute=1_000.0, retentionDays=36_500.0)
    free = create_campaign(api, "free", costPerMinute=0.0, retentionDays=1e-9)

    assert (costly["costPerMinute"], costly["retentionDays"]) == (1_000, 36_500)
    assert (free["costPerMinute"], free["retentionDays"]) == (0, 1e-9)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        pytest.param(
            'mutation { addCoachingRecommendation(callId: "call-1", type: WARNING, title: "t",'
            ' description: "d", priority: 2147483648) { priority } }',
            "GRAPHQL_VALIDATION_FAILED",
            id="literal",
        ),
        pytest.param(TIP, "BAD_USER_INPUT", id="variable"),
    ],
)
def test_an_int_beyond_32_bits_is_refused_by_graphql_and_writes_nothing(
    api: Api, document: str, code: str
) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(document, callId="call-1", priority=INT_MAX + 1)

    assert error["extensions"]["code"] == code
    assert "2147483648" in error["message"]
    assert api.live_call("call-1") == before


def test_an_overflowing_cost_cannot_poison_a_call(api: Api, client: TestClient) -> None:
    """The issue's attack: costPerMinute 1e300, then duration 1e300; totalCost was inf."""
    refused = api.error(CREATE_CAMPAIGN, name="Q4", objectives=["Hi"], costPerMinute=1e300)
    create_campaign(api, "costly", costPerMinute=1_000.0)
    api.start_call("call-1", campaignId="costly")
    overflow = api.error(PROGRESS, callId="call-1", duration=1e300)
    end_call(api, "call-1")

    data = api.data(COST, callId="call-1")
    report = client.get("/calls/call-1/report.json")

    assert_bad_input(refused, "costPerMinute")
    assert_bad_input(overflow, "duration")
    assert data["liveCall"]["systemConfig"] == {"costPerMinute": 1_000, "totalCost": 0}
    assert data["callAnalytics"]["totalCost"] == 0
    assert report.status_code == 200
    assert strict_json(report.text)["analytics"]["totalCost"] == 0


async def test_the_largest_cost_and_duration_keep_every_derived_number_finite(
    api: Api, client: TestClient, db: Database
) -> None:
    create_campaign(api, "costly", costPerMinute=1_000.0)
    api.start_call("call-1", campaignId="costly")
    api.data(PROGRESS, callId="call-1", duration=604_800)
    end_call(api, "call-1")

    data = api.data(COST, callId="call-1")
    campaign = api.data(REPORT, campaignId="costly")["campaignReport"]
    report = strict_json(client.get("/calls/call-1/report.json").text)
    async with db.read() as session:
        [webhook] = (await session.exec(select(WebhookEvent.body))).all()

    top = 604_800 / 60 * 1_000
    assert data["liveCall"]["systemConfig"]["totalCost"] == top == 10_080_000
    assert data["callAnalytics"]["totalCost"] == top
    assert campaign == {"calls": 1, "averageDuration": 604_800, "totalCost": top, "averageCost": top}
    assert report["analytics"]["totalCost"] == top
    assert strict_json(webhook)["data"]["analytics"]["totalCost"] == top


async def poison_analytics(db: Database, call_id: str) -> None:
    """An infinite totalCost in the call's analytics, as a server without the ranges could commit."""
    async with db.write() as session:
        row = (await session.exec(select(CallAnalytics).where(CallAnalytics.call_id == call_id))).one()
        row.total_cost = float("inf")


async def poison_live_cost(db: Database, call_id: str) -> None:
    """An infinite totalCost on a running call, as a server without the ranges could commit."""
    async with db.write() as session:
        live = select(LiveCall.id).where(LiveCall.call_id == call_id).scalar_subquery()
        query = select(CallSystemConfig).where(col(CallSystemConfig.live_call_id) == live)
        row = (await session.exec(query)).one()
        row.total_cost = float("inf")


async def test_a_report_holding_a_non_finite_number_is_an_error_not_invalid_json(
    api: Api, client: TestClient, db: Database
) -> None:
    api.start_call("call-1")
    end_call(api, "call-1")
    await poison_analytics(db, "call-1")

    response = client.get("/calls/call-1/report.json")

    assert response.status_code == 500
    assert strict_json(response.text)["error"]["code"] == "INTERNAL_SERVER_ERROR"


async def test_a_webhook_body_holding_a_non_finite_number_is_never_stored(api: Api, db: Database) -> None:
    api.start_call("call-1")
    await poison_live_cost(db, "call-1")

    error = api.error('mutation { endLiveCall(callId: "call-1") { status } }')

    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    async with db.read() as session:
        assert (await session.exec(select(WebhookEvent.body))).all() == []
