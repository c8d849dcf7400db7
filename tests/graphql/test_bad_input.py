"""Bad input: one error with ``extensions.code`` and a message naming the field; nothing written.

"Nothing written" is checked on the whole nested call, whose ``lastSequence``
and ``updatedAt`` would move on any write.
"""

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import START_CALL, Api, call_args

MUTATIONS_ON_A_CALL = {
    "updateCallStatus": "updateCallStatus(callId: $callId, status: RINGING) { callId }",
    "addTranscriptEntry": (
        'addTranscriptEntry(callId: $callId, timestamp: "00:00:01", speaker: AGENT, text: "Hi",'
        " isFinal: true) { order }"
    ),
    "updatePerformanceMetrics": (
        "updatePerformanceMetrics(callId: $callId, metrics: {scriptAdherence: 90}) { scriptAdherence }"
    ),
    "updateCallProgress": "updateCallProgress(callId: $callId, duration: 10) { callId }",
    "addSupervisorAction": (
        'addSupervisorAction(callId: $callId, supervisorId: "s", supervisorName: "S", action: ADD_NOTE)'
        " { order }"
    ),
    "addCoachingRecommendation": (
        'addCoachingRecommendation(callId: $callId, type: WARNING, title: "t", description: "d",'
        " priority: 5) { priority }"
    ),
    "updateCallPhase": 'updateCallPhase(callId: $callId, phase: "Discovery") { callId }',
    "toggleRecording": "toggleRecording(callId: $callId, isRecording: true) { callId }",
    "updateSystemStatus": "updateSystemStatus(callId: $callId, service: SIP, status: ERROR) { sipStatus }",
    "endLiveCall": "endLiveCall(callId: $callId) { callId }",
    "updateCallObjective": "updateCallObjective(callId: $callId, order: 0, status: IN_PROGRESS) { status }",
    "sendAgentInstruction": 'sendAgentInstruction(callId: $callId, text: "Slow down") { id }',
}


def mutation(selection: str) -> str:
    return f"mutation Bad($callId: String!) {{ {selection} }}"


def test_every_mutation_taking_a_call_id_is_covered_here(client: TestClient) -> None:
    query = "{ __schema { mutationType { fields { name args { name } } } } }"
    fields = client.post("/graphql", json={"query": query}).json()["data"]["__schema"]["mutationType"][
        "fields"
    ]
    on_a_call = {f["name"] for f in fields if "callId" in {arg["name"] for arg in f["args"]}}

    assert on_a_call - {"startLiveCall"} == set(MUTATIONS_ON_A_CALL)


@pytest.mark.parametrize("name", sorted(MUTATIONS_ON_A_CALL))
def test_an_unknown_call_id_is_not_found_on_every_mutation_and_writes_nothing(api: Api, name: str) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(mutation(MUTATIONS_ON_A_CALL[name]), callId="no-such-call")

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["callId"] == "no-such-call"
    assert "no-such-call" in error["message"]
    assert error["path"] == [name]
    assert api.live_call("call-1") == before
    assert api.data('{ liveCall(callId: "no-such-call") { callId } }') == {"liveCall": None}


@pytest.mark.parametrize("name", sorted(MUTATIONS_ON_A_CALL))
def test_every_mutation_succeeds_on_a_known_call(api: Api, name: str) -> None:
    """The documents above are valid, so the NOT_FOUND test fails for the right reason."""
    api.start_call("call-1")

    data = api.data(mutation(MUTATIONS_ON_A_CALL[name]), callId="call-1")

    assert data[name] is not None
    assert api.live_call("call-1")["lastSequence"] > 1


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
mutation Tip($callId: String!, $priority: Int! = 5, $title: String! = "t", $description: String! = "d") {
  addCoachingRecommendation(callId: $callId, type: WARNING, title: $title, description: $description,
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
mutation Line($callId: String!, $text: String! = "Hi", $confidence: Float, $timestamp: String! = "00:01") {
  addTranscriptEntry(callId: $callId, timestamp: $timestamp, speaker: AGENT, text: $text,
                     confidence: $confidence, isFinal: true, sentiment: POSITIVE) { order }
}
"""
ACTION = """
mutation Action($callId: String!, $supervisorId: String! = "s", $supervisorName: String! = "S") {
  addSupervisorAction(callId: $callId, supervisorId: $supervisorId, supervisorName: $supervisorName,
                      action: END_CALL) { order }
}
"""
PHASE = """
mutation Phase($callId: String!, $phase: String!) {
  updateCallPhase(callId: $callId, phase: $phase, quality: GOOD) { callId }
}
"""
STATUS = """
mutation Status($callId: String!, $status: CallStatus!) {
  updateCallStatus(callId: $callId, status: $status) { callId }
}
"""

OUT_OF_RANGE = [
    pytest.param(PROGRESS, {"agentGain": 100.5}, "agentGain", id="agentGain above 100"),
    pytest.param(PROGRESS, {"agentGain": -1}, "agentGain", id="agentGain below 0"),
    pytest.param(PROGRESS, {"customerGain": 101}, "customerGain", id="customerGain above 100"),
    pytest.param(PROGRESS, {"customerGain": -0.5}, "customerGain", id="customerGain below 0"),
    pytest.param(PROGRESS, {"duration": -1}, "duration", id="negative duration"),
    *(
        pytest.param(METRICS, {"metrics": {name: value}}, f"metrics.{name}", id=f"{name}={value}")
        for name in (
            "scriptAdherence",
            "agentConfidence",
            "conversationQuality",
            "prospectEngagement",
            "conversionProbability",
            "demoAcceptanceProbability",
        )
        for value in (100.1, -1)
    ),
    pytest.param(
        METRICS,
        {"metrics": {"scriptAdherence": 90, "agentConfidence": 120}},
        "metrics.agentConfidence",
        id="one bad metric among good ones",
    ),
    pytest.param(TIP, {"priority": 0}, "priority", id="priority 0"),
    pytest.param(TIP, {"priority": 11}, "priority", id="priority 11"),
    pytest.param(SYSTEM, {"latency": -0.5}, "latency", id="negative latency"),
    pytest.param(SYSTEM, {"errorRate": 1.01}, "errorRate", id="errorRate above 1"),
    pytest.param(SYSTEM, {"errorRate": -0.01}, "errorRate", id="errorRate below 0"),
    pytest.param(LINE, {"confidence": 1.5}, "confidence", id="confidence above 1"),
    pytest.param(LINE, {"confidence": -0.1}, "confidence", id="confidence below 0"),
    pytest.param(LINE, {"text": ""}, "text", id="empty text"),
    pytest.param(LINE, {"text": "   \t"}, "text", id="blank text"),
    pytest.param(LINE, {"timestamp": ""}, "timestamp", id="empty timestamp"),
    pytest.param(TIP, {"title": " "}, "title", id="blank title"),
    pytest.param(TIP, {"description": ""}, "description", id="empty description"),
    pytest.param(ACTION, {"supervisorId": ""}, "supervisorId", id="empty supervisorId"),
    pytest.param(ACTION, {"supervisorName": "  "}, "supervisorName", id="blank supervisorName"),
    pytest.param(PHASE, {"phase": "Negotiation"}, "phase", id="unknown phase"),
    pytest.param(PHASE, {"phase": "discovery"}, "phase", id="phase names are case sensitive"),
    pytest.param(PHASE, {"phase": ""}, "phase", id="empty phase"),
    pytest.param(STATUS, {"status": "ENDED"}, "status", id="status ENDED"),
]


@pytest.mark.parametrize(("document", "variables", "field"), OUT_OF_RANGE)
def test_a_bad_argument_is_bad_user_input_naming_the_field_and_writes_nothing(
    api: Api, document: str, variables: dict[str, Any], field: str
) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(document, callId="call-1", **variables)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert error["message"].startswith(f"{field}: ")
    after = api.live_call("call-1")
    assert after["lastSequence"] == before["lastSequence"] == 1
    assert after == before


def test_a_duplicate_call_id_on_start_is_a_conflict_and_keeps_the_first_call(api: Api) -> None:
    """CONFLICT, not BAD_USER_INPUT: a retry with the very same arguments is accepted (idempotency)."""
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(START_CALL, **call_args("call-1", agentName="Someone Else"))

    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["field"] == "callId"
    assert "call-1" in error["message"]
    assert api.live_call("call-1") == before
    assert [c["callId"] for c in api.data("{ liveCalls { callId } }")["liveCalls"]] == ["call-1"]


@pytest.mark.parametrize("field", ["callId", "agentName", "customerName", "customerPhone", "sessionId"])
def test_a_blank_required_argument_on_start_is_bad_user_input_and_starts_nothing(
    api: Api, field: str
) -> None:
    error = api.error(START_CALL, **call_args("call-1", **{field: "  "}))

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert api.data("{ liveCalls { callId } }")["liveCalls"] == []


@pytest.mark.parametrize(
    ("document", "variables", "enum"),
    [
        pytest.param(STATUS, {"status": "HUNG_UP"}, "CallStatus", id="CallStatus"),
        pytest.param(STATUS, {"status": "on-hold"}, "CallStatus", id="storage spelling is not the API's"),
        pytest.param(
            "mutation($callId: String!, $s: Speaker!) { addTranscriptEntry(callId: $callId,"
            ' timestamp: "1", speaker: $s, text: "Hi", isFinal: true) { order } }',
            {"s": "BOT"},
            "Speaker",
            id="Speaker",
        ),
        pytest.param(
            "mutation($callId: String!, $m: PerformanceMetricsInput!) {"
            " updatePerformanceMetrics(callId: $callId, metrics: $m) { scriptAdherence } }",
            {"m": {"voiceEnergyLevel": "EXTREME"}},
            "EnergyLevel",
            id="EnergyLevel inside an input object",
        ),
        pytest.param(
            "mutation($callId: String!, $s: PipelineService!) {"
            " updateSystemStatus(callId: $callId, service: $s, status: ERROR) { sipStatus } }",
            {"s": "DB"},
            "PipelineService",
            id="PipelineService",
        ),
    ],
)
def test_an_invalid_enum_value_in_variables_is_bad_user_input_and_writes_nothing(
    api: Api, document: str, variables: dict[str, Any], enum: str
) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(document, callId="call-1", **variables)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert enum in error["message"]
    assert api.live_call("call-1") == before


def test_a_missing_required_variable_is_bad_user_input(api: Api) -> None:
    api.start_call("call-1")

    error = api.error(STATUS, callId="call-1")

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$status" in error["message"]


def test_a_syntax_error_is_graphql_parse_failed_with_http_200(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": 'mutation { endLiveCall(callId: "call-1" { status } }'})

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["message"].startswith("Syntax Error")


def test_an_unknown_field_is_graphql_validation_failed(api: Api) -> None:
    error = api.error('{ liveCall(callId: "call-1") { callId noSuchField } }')

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "noSuchField" in error["message"]


def test_an_invalid_enum_literal_in_the_document_is_graphql_validation_failed(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error('mutation { updateCallStatus(callId: "call-1", status: HUNG_UP) { status } }')

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert api.live_call("call-1") == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="malformed JSON"),
        pytest.param(b'{"variables": {}}', id="no query"),
        pytest.param(b'{"query": 42}', id="query not a string"),
        pytest.param(b'{"query": "{ liveCalls { callId } }", "variables": "x"}', id="variables not a map"),
    ],
)
def test_a_malformed_request_is_a_client_error_never_a_500(client: TestClient, body: bytes) -> None:
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_a_non_finite_number_in_variables_is_bad_user_input_and_writes_nothing(
    api: Api, client: TestClient, number: bytes
) -> None:
    """Python's JSON parser reads NaN and Infinity; GraphQL's Float must refuse them."""
    api.start_call("call-1")
    before = api.live_call("call-1")
    query = b'"mutation($d: Float!) { updateCallProgress(callId: \\"call-1\\", duration: $d) { duration } }"'

    response = client.post(
        "/graphql",
        content=b'{"query": ' + query + b', "variables": {"d": ' + number + b"}}",
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$d" in error["message"]
    assert api.live_call("call-1") == before
