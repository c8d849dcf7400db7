"""One place for test data and the GraphQL calls the tests make."""

import threading
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession

RECEIVE_WITHIN = 30.0
"""Seconds a test waits for a WebSocket message before it fails (a lost one must not hang the run)."""

CALL_FIELDS = """
    callId agentName customerName customerPhone status startTime endTime duration
    currentPhase campaignId campaignName isRecording recordingStartTime agentGain
    customerGain currentSpeaker sipEndpoint sessionId createdAt updatedAt lastSequence
"""

NESTED_CALL = f"""
    {CALL_FIELDS}
    objectives {{ objective status order }}
    phases {{ phase status order startTime endTime quality }}
    transcripts {{ order timestamp speaker text sentiment confidence isFinal createdAt }}
    performanceMetrics {{
        scriptAdherence agentConfidence conversationQuality prospectEngagement
        voiceEnergyLevel responseQuality questionFrequency interestSignals
        conversionProbability demoAcceptanceProbability immediateCloseProbability updatedAt
    }}
    sentiment {{
        positivePercentage neutralPercentage negativePercentage trend
        lastPositiveMoment lastNegativeMoment updatedAt
    }}
    systemConfig {{
        sipProvider sttProvider llmProvider ttsProvider sipStatus sttStatus llmStatus ttsStatus
        apiLatency errorRate queueDepth costPerMinute totalCost updatedAt
    }}
    supervisorActions {{ order supervisorId supervisorName action details timestamp }}
    coachingRecommendations {{ type title description priority timestamp isActive }}
    instructions {{ id kind text target priority source status detail deliveredAt acknowledgedAt }}
    overdueInstructions
    participants {{ supervisorId mode joinedAt leftAt }}
"""

START_CALL = f"""
mutation Start($callId: String!, $agentName: String!, $customerName: String!,
               $customerPhone: String!, $campaignName: String!, $sessionId: String!,
               $campaignId: String, $sipEndpoint: String) {{
  startLiveCall(callId: $callId, agentName: $agentName, customerName: $customerName,
                customerPhone: $customerPhone, campaignName: $campaignName,
                sessionId: $sessionId, campaignId: $campaignId, sipEndpoint: $sipEndpoint) {{
    {CALL_FIELDS}
  }}
}}
"""

LIVE_CALL = f"query Call($callId: String!) {{ liveCall(callId: $callId) {{ {NESTED_CALL} }} }}"

ADD_LINE = """
mutation Line($callId: String!, $text: String!, $speaker: Speaker! = AGENT,
              $sentiment: Sentiment, $isFinal: Boolean! = true, $confidence: Float,
              $timestamp: String! = "00:00:01", $segmentId: String, $idempotencyKey: String) {
  addTranscriptEntry(callId: $callId, timestamp: $timestamp, speaker: $speaker, text: $text,
                     sentiment: $sentiment, confidence: $confidence, isFinal: $isFinal,
                     segmentId: $segmentId, idempotencyKey: $idempotencyKey) {
    order timestamp speaker text sentiment confidence isFinal createdAt
  }
}
"""


def call_args(call_id: str = "call-1", **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "callId": call_id,
        "agentName": "Ada Agent",
        "customerName": "Carl Customer",
        "customerPhone": "+1 555 0100",
        "campaignName": "Q4 Outbound",
        "sessionId": f"session-{call_id}",
    }
    args.update(overrides)
    return args


class Api:
    """GraphQL over HTTP against the app under test."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The data of a request that must succeed."""
        body = self.execute(query, **variables)
        assert body.get("errors") is None, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, **variables: Any) -> dict[str, Any]:
        """The single error of a request that must fail."""
        body = self.execute(query, **variables)
        assert body.get("errors"), f"expected an error, got {body}"
        assert len(body["errors"]) == 1, body["errors"]
        error: dict[str, Any] = body["errors"][0]
        return error

    def start_call(self, call_id: str = "call-1", **overrides: Any) -> dict[str, Any]:
        call: dict[str, Any] = self.data(START_CALL, **call_args(call_id, **overrides))["startLiveCall"]
        return call

    def live_call(self, call_id: str = "call-1") -> dict[str, Any]:
        call: dict[str, Any] = self.data(LIVE_CALL, callId=call_id)["liveCall"]
        return call

    def add_line(self, call_id: str = "call-1", text: str = "Hello", **variables: Any) -> dict[str, Any]:
        entry: dict[str, Any] = self.data(ADD_LINE, callId=call_id, text=text, **variables)[
            "addTranscriptEntry"
        ]
        return entry


def receive_json(
    socket: WebSocketTestSession, awaiting: str = "WebSocket message", within: float = RECEIVE_WITHIN
) -> Any:
    """``socket.receive_json()``, failing with what it awaited after ``within`` s instead of blocking.

    The test client's receive takes no timeout (it waits on its stream through the portal), so
    the read runs in a thread the test waits on; one a failed test left waiting ends when the
    socket closes. The thread costs some tens of microseconds a message.
    """
    received: Future[Any] = Future()

    def read() -> None:
        try:
            received.set_result(socket.receive_json())
        except BaseException as error:
            received.set_exception(error)

    threading.Thread(target=read, name="websocket receive", daemon=True).start()
    try:
        return received.result(timeout=within)
    except TimeoutError:
        raise AssertionError(f"no {awaiting} within {within:g} s") from None


class TransportWs:
    """A graphql-transport-ws client over the test client's WebSocket."""

    def __init__(self, socket: WebSocketTestSession) -> None:
        self.socket = socket
        self.socket.send_json({"type": "connection_init", "payload": {}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"

    def subscribe(self, query: str, op_id: str = "1", **variables: Any) -> None:
        self.socket.send_json(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )

    def next(self, within: float = RECEIVE_WITHIN) -> dict[str, Any]:
        """The next result payload; pings are answered and skipped."""
        while True:
            message: dict[str, Any] = receive_json(self.socket, "subscription result", within)
            if message["type"] == "ping":
                self.socket.send_json({"type": "pong"})
                continue
            assert message["type"] == "next", message
            payload: dict[str, Any] = message["payload"]
            return payload

    def receive(self, within: float = RECEIVE_WITHIN) -> dict[str, Any]:
        message: dict[str, Any] = receive_json(self.socket, "message", within)
        return message


def when(value: str) -> datetime:
    """A DateTime the API returned, parsed (it must be an aware ISO 8601 timestamp)."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


INSTRUCTION_FIELDS = """
    id callId kind text target priority source createdBy status detail createdAt deliveredAt
    acknowledgedAt sequence dueAt overdue
"""
SEND_INSTRUCTION = f"""
mutation Send($callId: String!, $text: String!, $priority: Int! = 5) {{
  sendAgentInstruction(callId: $callId, text: $text, priority: $priority) {{ {INSTRUCTION_FIELDS} }}
}}
"""
ACKNOWLEDGE = f"""
mutation Ack($id: ID!, $outcome: InstructionOutcome!, $detail: String) {{
  acknowledgeInstruction(instructionId: $id, outcome: $outcome, detail: $detail) {{ {INSTRUCTION_FIELDS} }}
}}
"""
AGENT_INSTRUCTIONS = f"""
subscription Instructions($callId: String!, $after: Int) {{
  agentInstructions(callId: $callId, afterSequence: $after) {{ {INSTRUCTION_FIELDS} }}
}}
"""
SUPERVISOR_ACTION = """
mutation Act($callId: String!, $action: SupervisorActionType!, $details: String,
             $supervisorId: String! = "sup-1", $supervisorName: String! = "Sue Visor") {
  addSupervisorAction(callId: $callId, supervisorId: $supervisorId, supervisorName: $supervisorName,
                      action: $action, details: $details) { order }
}
"""
