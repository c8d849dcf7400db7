"""The permission matrix: every role against every root field; denied means FORBIDDEN and nothing written."""

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.auth.roles import PERMISSIONS, Role, allowed
from app.graphql.schema import schema
from tests.auth.conftest import TokenApi
from tests.factories import NESTED_CALL, START_CALL, call_args, receive_json

MUTATIONS: dict[str, str] = {
    "startLiveCall": 'mutation { startLiveCall(callId: "new", agentName: "A", customerName: "B",'
    ' customerPhone: "+1 555 0199", campaignName: "X", sessionId: "s", campaignId: "camp-a") { callId } }',
    "updateCallStatus": 'mutation { updateCallStatus(callId: "c", status: RINGING) { status } }',
    "addTranscriptEntry": 'mutation { addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT,'
    ' text: "hi", isFinal: true) { order } }',
    "updatePerformanceMetrics": 'mutation { updatePerformanceMetrics(callId: "c",'
    " metrics: {scriptAdherence: 80}) { scriptAdherence } }",
    "updateCallProgress": 'mutation { updateCallProgress(callId: "c", duration: 30) { duration } }',
    "updateCallPhase": 'mutation { updateCallPhase(callId: "c", phase: "Discovery") { currentPhase } }',
    "toggleRecording": 'mutation { toggleRecording(callId: "c", isRecording: true) { isRecording } }',
    "updateSystemStatus": 'mutation { updateSystemStatus(callId: "c", service: TTS, status: ERROR)'
    " { ttsStatus } }",
    "endLiveCall": 'mutation { endLiveCall(callId: "c") { status } }',
    "addSupervisorAction": 'mutation { addSupervisorAction(callId: "c", supervisorId: "{role}-1",'
    ' supervisorName: "Sue", action: ADD_NOTE) { order } }',
    "addCoachingRecommendation": 'mutation { addCoachingRecommendation(callId: "c", type: POSITIVE,'
    ' title: "Nice", description: "Good rapport", priority: 4) { title } }',
    "updateCallObjective": 'mutation { updateCallObjective(callId: "c", status: IN_PROGRESS, order: 0)'
    " { status } }",
    "createCampaign": 'mutation { createCampaign(name: "Winter", objectives: ["Book a demo"],'
    ' costPerMinute: 0.05, campaignId: "camp-w") { name } }',
    "sendAgentInstruction": 'mutation { sendAgentInstruction(callId: "c", text: "Slow down") { id } }',
    "acknowledgeInstruction": 'mutation { acknowledgeInstruction(instructionId: "1", outcome: APPLIED)'
    " { status } }",
}
QUERIES: dict[str, str] = {
    "liveCall": '{ liveCall(callId: "c") { callId } }',
    "liveCalls": "{ liveCalls { callId } }",
    "campaigns": "{ campaigns { name } }",
    "campaign": '{ campaign(campaignId: "camp-a") { name } }',
    "callAnalytics": '{ callAnalytics(callId: "c") { callId } }',
    "campaignReport": '{ campaignReport(campaignId: "camp-a") { calls } }',
    "webhookDeliveries": "{ webhookDeliveries { status } }",
}
SUBSCRIPTIONS: dict[str, str] = {
    "callEvents": 'subscription { callEvents(callId: "c", afterSequence: 0) { sequence } }',
    "liveCall": 'subscription { liveCall(callId: "c") { callId } }',
    "liveCalls": "subscription { liveCalls { type } }",
    "agentInstructions": 'subscription { agentInstructions(callId: "c", afterSequence: 0) { id } }',
}
STATE = f"""{{ liveCall(callId: "c") {{ {NESTED_CALL} }} liveCalls {{ callId }} campaigns {{ name }} }}"""
ROLES = [role.value for role in Role]


def _cases(table: dict[str, str]) -> list[Any]:
    return [pytest.param(role, name, id=f"{role}-{name}") for name in table for role in ROLES]


@pytest.fixture
def admin(as_role: Callable[..., TokenApi]) -> TokenApi:
    api = as_role("admin")
    api.data(START_CALL, **call_args("c", campaignId="camp-a"))
    api.data('mutation { sendAgentInstruction(callId: "c", text: "Smile") { id } }')  # instruction 1
    return api


def test_every_root_field_of_the_schema_is_in_the_permission_table() -> None:
    graphql = schema._schema
    fields = {
        name
        for root in (graphql.query_type, graphql.mutation_type, graphql.subscription_type)
        if root is not None
        for name in root.fields
    }

    assert fields == set(PERMISSIONS)


@pytest.mark.parametrize(("role", "name"), _cases(MUTATIONS))
def test_each_role_may_run_exactly_its_mutations(
    admin: TokenApi, as_role: Callable[..., TokenApi], role: str, name: str
) -> None:
    before = admin.data(STATE)

    body = as_role(role).execute(MUTATIONS[name].replace("{role}", role))

    codes = [error["extensions"]["code"] for error in body.get("errors") or []]
    if allowed(Role(role), name):
        assert codes == [], body
    else:
        assert codes == ["FORBIDDEN"]
        assert admin.data(STATE) == before


@pytest.mark.parametrize(("role", "name"), _cases(QUERIES))
def test_each_role_may_run_exactly_its_queries(
    admin: TokenApi, as_role: Callable[..., TokenApi], role: str, name: str
) -> None:
    body = as_role(role).execute(QUERIES[name])

    codes = [error["extensions"]["code"] for error in body.get("errors") or []]
    assert codes == ([] if allowed(Role(role), name) else ["FORBIDDEN"])


@pytest.mark.parametrize(("role", "name"), _cases(SUBSCRIPTIONS))
def test_each_role_may_open_exactly_its_subscriptions(
    admin: TokenApi, secured_client: TestClient, mint: Callable[..., str], role: str, name: str
) -> None:
    with secured_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {mint(role)}"}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTIONS[name]}})
        if name == "liveCalls":
            admin.data('mutation { updateCallStatus(callId: "c", status: RINGING) { status } }')
        message = receive_json(socket)

    if allowed(Role(role), name):
        assert message["type"] == "next" and "errors" not in message["payload"], message
    else:
        assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
