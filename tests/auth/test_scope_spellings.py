"""No spelling of a request reaches another campaign's data.

Against a real server with tokens scoped to campaign camp-a, every root field
that takes a call or campaign id is sent with camp-b's id as a literal, a
variable, a variable's default, inside a named fragment and inside an inline
fragment, for every role, over HTTP and both WebSocket protocols. No response
or frame may carry anything of camp-b, and camp-b's records must not change.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from app.auth.roles import Role, allowed
from app.auth.tokens import Authenticator
from app.core.sqltypes import utcnow
from app.graphql.schema import schema
from app.retention import purge
from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket, LiveServer
from tests.post_call import CREATE_CAMPAIGN

SECRET = "test-secret-0123456789-abcdefghijklmnop"
OURS, THEIRS = "camp-a", "camp-b"
THEIR_MARKERS = (
    "BravoAgentSecret",
    "BravoCustomerSecret",
    "BravoLineSecret",
    "BravoCampaignSecret",
    "9998888",
)
OUR_MARKER = "AlphaAgentVisible"
SPELLINGS = ("literal", "variable", "default", "fragment", "inline")
ROLES = tuple(Role)
PROTOCOLS = ("graphql-transport-ws", "graphql-ws")


@dataclass(frozen=True)
class Field:
    operation: str
    name: str
    argument: str
    type: str
    target: str
    """Which of the other campaign's ids it is given: ``live``, ``ended`` or ``campaign``."""
    others: str
    selection: str


CALL = "callId agentName customerName customerPhone transcripts { text }"
FIELDS = (
    Field("query", "liveCall", "callId", "String!", "live", "", CALL),
    Field("query", "liveCalls", "campaignId", "String", "campaign", "", CALL),
    Field("query", "campaign", "campaignId", "String!", "campaign", "", "id name"),
    Field("query", "callAnalytics", "callId", "String!", "ended", "", "callId agentName customerName"),
    Field("query", "campaignReport", "campaignId", "String!", "campaign", "", "calls campaign { name }"),
    Field("query", "webhookDeliveries", "callId", "String", "ended", "", "callId url"),
    Field("query", "alerts", "campaignId", "String", "campaign", "", "callId ruleName matched"),
    Field("query", "alerts", "callId", "String", "live", "", "callId ruleName matched"),
    Field("query", "rules", "campaignId", "String", "campaign", "", "name campaignId"),
    Field(
        "mutation",
        "startLiveCall",
        "campaignId",
        "String",
        "campaign",
        'callId: "intruder", agentName: "x", customerName: "x", customerPhone: "1", '
        'campaignName: "x", sessionId: "x"',
        "callId",
    ),
    Field(
        "mutation",
        "createCampaign",
        "campaignId",
        "String",
        "campaign",
        'name: "x", objectives: ["o"], costPerMinute: 1',
        "id name",
    ),
    Field("mutation", "updateCallStatus", "callId", "String!", "live", "status: CONNECTED", CALL),
    Field(
        "mutation",
        "addTranscriptEntry",
        "callId",
        "String!",
        "live",
        'timestamp: "00:01", speaker: AGENT, text: "intrusion", isFinal: true',
        "text",
    ),
    Field(
        "mutation",
        "updatePerformanceMetrics",
        "callId",
        "String!",
        "live",
        "metrics: {scriptAdherence: 1}",
        "scriptAdherence",
    ),
    Field("mutation", "updateCallProgress", "callId", "String!", "live", "duration: 5", CALL),
    Field(
        "mutation",
        "addSupervisorAction",
        "callId",
        "String!",
        "live",
        'supervisorId: "@SUBJECT@", supervisorName: "x", action: ADD_NOTE',
        "supervisorId",
    ),
    Field(
        "mutation",
        "addCoachingRecommendation",
        "callId",
        "String!",
        "live",
        'type: WARNING, title: "x", description: "x", priority: 5',
        "title",
    ),
    Field("mutation", "updateCallPhase", "callId", "String!", "live", 'phase: "Discovery"', CALL),
    Field("mutation", "toggleRecording", "callId", "String!", "live", "isRecording: true", CALL),
    Field(
        "mutation",
        "updateSystemStatus",
        "callId",
        "String!",
        "live",
        "service: STT, status: ERROR",
        "status",
    ),
    Field("mutation", "endLiveCall", "callId", "String!", "live", "", CALL),
    Field(
        "mutation",
        "updateCallObjective",
        "callId",
        "String!",
        "live",
        "status: IN_PROGRESS, order: 0",
        "status",
    ),
)
SUBSCRIPTIONS = (
    Field(
        "subscription",
        "callEvents",
        "callId",
        "String!",
        "live",
        "afterSequence: 0",
        "sequence ... on CallStartedEvent { call { agentName customerName customerPhone } }",
    ),
    Field("subscription", "liveCall", "callId", "String!", "live", "", CALL),
    Field(
        "subscription",
        "alerts",
        "campaignId",
        "String",
        "campaign",
        "afterSequence: 0",
        "callId alert { matched }",
    ),
)
ROOTS = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


def spell(field: Field, how: str, value: str, subject: str) -> tuple[str, dict[str, Any]]:
    """The document that passes ``value`` as the field's id in the given spelling."""
    arguments = f"{field.argument}: @ID@" + (f", {field.others}" if field.others else "")
    call = f"{field.name}({arguments}) {{ {field.selection} }}".replace("@SUBJECT@", subject)
    literal = json.dumps(value)
    op, root = field.operation, ROOTS[field.operation]
    if how == "literal":
        return f"{op} {{ {call.replace('@ID@', literal)} }}", {}
    if how == "variable":
        return f"{op} ($id: {field.type}) {{ {call.replace('@ID@', '$id')} }}", {"id": value}
    if how == "default":
        return f"{op} ($id: {field.type} = {literal}) {{ {call.replace('@ID@', '$id')} }}", {}
    if how == "fragment":
        return f"{op} {{ ...F }} fragment F on {root} {{ {call.replace('@ID@', literal)} }}", {}
    return f"{op} {{ ... on {root} {{ {call.replace('@ID@', literal)} }} }}", {}


IDS = {
    THEIRS: {"live": "call-b", "ended": "ended-b", "campaign": THEIRS},
    OURS: {"live": "call-a", "ended": "ended-a", "campaign": OURS},
}
SNAPSHOT = """
query($id: String!) {
  liveCall(callId: $id) {
    status isRecording duration currentPhase
    transcripts { text } supervisorActions { action } coachingRecommendations { title }
    objectives { status } phases { status } performanceMetrics { scriptAdherence }
    systemConfig { sttStatus }
  }
}
"""


class Client:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = httpx2.Client(timeout=30, headers={"Authorization": f"Bearer {token}"})

    def post(self, query: str, **variables: Any) -> str:
        response = self.http.post(self.url, json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.text

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = json.loads(self.post(query, **variables))
        assert body.get("errors") is None, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))


@pytest.fixture
def mint(server: LiveServer) -> Callable[..., str]:
    authenticator = Authenticator.from_settings(server.services.settings)

    def mint(role: Role, **claims: Any) -> str:
        return authenticator.mint(role=role, subject=claims.pop("subject", f"{role.value}-7"), **claims)

    return mint


@pytest.fixture
def admin(server: LiveServer, mint: Callable[..., str]) -> Iterator[Client]:
    client = Client(server.http_url, mint(Role.ADMIN))
    for campaign, name in ((OURS, "AlphaCampaign"), (THEIRS, "BravoCampaignSecret")):
        client.data(CREATE_CAMPAIGN, campaignId=campaign, name=name, objectives=["o"], costPerMinute=0.1)
    people = {
        OURS: {"agentName": OUR_MARKER, "customerName": "Alpha", "customerPhone": "+1 555 111 2222"},
        THEIRS: {
            "agentName": "BravoAgentSecret",
            "customerName": "BravoCustomerSecret",
            "customerPhone": "+1 555 999 8888",
        },
    }
    rule = "mutation($c: String!, $n: String!, $p: String!) { createRule(input: {name: $n, severity: WARNING, campaignId: $c, condition: {phrasesSaid: {phrases: [$p]}}}) { id } }"  # noqa: E501
    client.data(rule, c=OURS, n="AlphaCampaign rule", p="AlphaLine")
    client.data(rule, c=THEIRS, n="BravoCampaignSecret rule", p="BravoLineSecret")
    line = 'mutation($id: String!, $t: String!) { addTranscriptEntry(callId: $id, timestamp: "0", speaker: CUSTOMER, text: $t, isFinal: true) { order } }'  # noqa: E501
    for campaign, ids in IDS.items():
        for key in ("live", "ended"):
            client.data(START_CALL, **call_args(ids[key], campaignId=campaign, **people[campaign]))
            client.data(line, id=ids[key], t="BravoLineSecret" if campaign == THEIRS else "AlphaLine")
        client.data("mutation($id: String!) { endLiveCall(callId: $id) { status } }", id=ids["ended"])
    yield client
    client.http.close()


def _their_records(admin: Client) -> dict[str, Any]:
    return {
        "live": admin.data(SNAPSHOT, id="call-b"),
        "intruder": admin.data(SNAPSHOT, id="intruder"),
        "campaigns": admin.data("{ campaigns { id name } }"),
    }


def _leaks(text: str) -> list[str]:
    return [marker for marker in THEIR_MARKERS if marker in text]


def test_every_field_taking_a_call_or_campaign_id_is_in_the_spelling_matrix() -> None:
    gql = schema._schema
    roots = (gql.query_type, gql.mutation_type, gql.subscription_type)
    taking_ids = {
        name
        for root in roots
        if root
        for name, f in root.fields.items()
        if {"callId", "campaignId"} & set(f.args)
    }

    assert taking_ids == {field.name for field in (*FIELDS, *SUBSCRIPTIONS)}


def test_no_spelling_of_a_query_or_mutation_reaches_another_campaign(
    server: LiveServer, admin: Client, mint: Callable[..., str]
) -> None:
    before = _their_records(admin)
    leaks: list[str] = []
    answered: list[str] = []
    for role in ROLES:
        client = Client(server.http_url, mint(role, campaigns=[OURS]))
        subject = f"{role.value}-7"
        for field in FIELDS:
            for how in SPELLINGS:
                query, variables = spell(field, how, IDS[THEIRS][field.target], subject)
                text = client.post(query, **variables)
                body = json.loads(text)
                if _leaks(text) or (body.get("data") or {}).get(field.name):
                    leaks.append(f"{role.value} {field.name} {how}: {text[:300]}")
                if field.operation == "mutation" and not body.get("errors"):
                    answered.append(f"{role.value} {field.name} {how}: {text[:300]}")
        client.http.close()

    assert leaks == []
    assert answered == []
    assert _their_records(admin) == before


def test_the_same_spellings_reach_the_tokens_own_campaign(
    server: LiveServer, admin: Client, mint: Callable[..., str]
) -> None:
    reads = [field for field in FIELDS if field.operation == "query" and field.name != "webhookDeliveries"]
    missing: list[str] = []
    for role in ROLES:
        client = Client(server.http_url, mint(role, campaigns=[OURS]))
        for field in (field for field in reads if allowed(role, field.name)):  # rules: supervisors only
            for how in SPELLINGS:
                query, variables = spell(field, how, IDS[OURS][field.target], f"{role.value}-7")
                text = client.post(query, **variables)
                if OUR_MARKER not in text and "AlphaCampaign" not in text:
                    missing.append(f"{role.value} {field.name} {how}: {text[:200]}")
        client.http.close()

    assert missing == []


async def test_no_spelling_of_a_subscription_reaches_another_campaign(
    server: LiveServer, admin: Client, mint: Callable[..., str]
) -> None:
    leaks: list[str] = []
    codes: set[str] = set()
    for role in ROLES:
        token = mint(role, campaigns=[OURS])
        for protocol in PROTOCOLS:
            socket = await GraphQLSocket.open(server.ws_url, protocol, {"Authorization": f"Bearer {token}"})
            try:
                for field in SUBSCRIPTIONS:
                    for how in SPELLINGS:
                        query, variables = spell(field, how, IDS[THEIRS][field.target], f"{role.value}-7")
                        frames = await _frames_until_done(socket, query, variables)
                        text = json.dumps(frames)
                        if _leaks(text) or any(f.get("payload", {}).get("data") for f in frames):
                            leaks.append(f"{role.value} {protocol} {field.name} {how}: {text[:300]}")
                        codes |= {
                            e.get("extensions", {}).get("code")
                            for f in frames
                            for e in (f.get("payload", {}).get("errors") or [])
                        }
            finally:
                await socket.close()

    assert leaks == []
    assert codes == {"NOT_FOUND", "FORBIDDEN"}  # another campaign's call; another campaignId, as liveCalls


async def test_a_scoped_subscription_follows_its_own_campaigns_call(
    server: LiveServer, admin: Client, mint: Callable[..., str]
) -> None:
    token = mint(Role.VIEWER, campaigns=[OURS])
    socket = await GraphQLSocket.open(server.ws_url, payload={"Authorization": f"Bearer {token}"})
    try:
        query, variables = spell(SUBSCRIPTIONS[0], "default", IDS[OURS]["live"], "viewer-7")
        await socket.subscribe(query, **variables)
        first = await socket.next_data()
    finally:
        await socket.close()

    assert first["callEvents"]["call"]["agentName"] == OUR_MARKER


async def _frames_until_done(
    socket: GraphQLSocket, query: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    await socket.subscribe(query, "op", **variables)
    frames: list[dict[str, Any]] = []
    while True:
        frame = await socket.next(within=5)
        frames.append(frame)
        if frame["type"] in ("complete", "error"):
            return frames


async def test_another_campaigns_analytics_stay_hidden_after_retention_removed_the_call(
    server: LiveServer, admin: Client, mint: Callable[..., str]
) -> None:
    report = server.run(purge(server.services.db, default_days=30, now=utcnow() + timedelta(days=365)))
    assert report.calls == 2  # both ended calls: their live rows are gone, their analytics kept
    query = '{ callAnalytics(callId: "ended-b") { callId agentName customerName } }'
    viewer = Client(server.http_url, mint(Role.VIEWER, campaigns=[OURS]))

    hidden = viewer.post(query)
    shown = admin.data(query)
    viewer.http.close()

    assert json.loads(hidden) == {"data": {"callAnalytics": None}}
    assert shown["callAnalytics"]["agentName"] == "BravoAgentSecret"
