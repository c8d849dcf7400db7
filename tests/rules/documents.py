"""The GraphQL documents and small helpers the rules tests share."""

from typing import Any

from tests.factories import Api

RULE_FIELDS = """
    id name severity campaignId enabled webhook cooldownSeconds createdAt updatedAt createdBy
    condition {
        kind
        phrasesSaid { phrases speaker }
        phrasesNotSaid { phrases speaker withinSeconds beforePhaseEnds }
        sentiment { negativeAtLeast declining forSeconds forLines }
        metric { metric below atLeast }
        timeInState { state seconds phase }
        pipelineHealth { service inError apiLatencyAboveMs errorRateAbove }
    }
    coaching { type title description priority }
"""
ALERT_FIELDS = """
    id callId campaignId ruleId ruleName severity status reason matched raisedAt
    acknowledgedAt acknowledgedBy resolvedAt resolvedBy note sequence
"""
CREATE_RULE = f"mutation($input: RuleInput!) {{ createRule(input: $input) {{ {RULE_FIELDS} }} }}"
UPDATE_RULE = (
    f"mutation($id: ID!, $patch: RulePatch!) {{ updateRule(id: $id, patch: $patch) {{ {RULE_FIELDS} }} }}"
)
DELETE_RULE = f"mutation($id: ID!) {{ deleteRule(id: $id) {{ {RULE_FIELDS} }} }}"
RULES = f"query($campaignId: String) {{ rules(campaignId: $campaignId) {{ {RULE_FIELDS} }} }}"
ALERTS = f"""
query($status: AlertStatus, $severity: Severity, $campaignId: String, $callId: String, $first: Int) {{
  alerts(status: $status, severity: $severity, campaignId: $campaignId, callId: $callId, first: $first) {{
    {ALERT_FIELDS}
  }}
}}
"""
ACKNOWLEDGE = f"mutation($id: ID!) {{ acknowledgeAlert(alertId: $id) {{ {ALERT_FIELDS} }} }}"
RESOLVE = (
    f"mutation($id: ID!, $note: String) {{ resolveAlert(alertId: $id, note: $note) {{ {ALERT_FIELDS} }} }}"
)
ATTENTION = """
query($callId: String!) {
  liveCall(callId: $callId) { attention { openAlerts critical warning info highestSeverity } }
}
"""
BOARD = """
query($orderBy: LiveCallOrder, $first: Int, $after: String) {
  liveCalls(orderBy: $orderBy, first: $first, after: $after) { callId attention { critical warning } }
}
"""
METRICS = """
mutation($callId: String!, $metrics: PerformanceMetricsInput!) {
  updatePerformanceMetrics(callId: $callId, metrics: $metrics) { scriptAdherence }
}
"""
SYSTEM = """
mutation($callId: String!, $service: PipelineService!, $status: ServiceStatus!, $latency: Float,
         $errorRate: Float) {
  updateSystemStatus(callId: $callId, service: $service, status: $status, latency: $latency,
                     errorRate: $errorRate) { sttStatus }
}
"""
CALL_EVENTS = """
subscription($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    sequence type
    ... on AlertRaisedEvent { alert { ruleName severity reason matched status sequence } }
    ... on AlertAcknowledgedEvent { alert { status acknowledgedBy acknowledgedAt } }
    ... on AlertResolvedEvent { alert { status resolvedBy resolvedAt note } }
    ... on RecommendationAddedEvent { recommendation { type title description priority } }
  }
}
"""
ALERTS_STREAM = """
subscription($after: Int, $campaignId: String) {
  alerts(afterSequence: $after, campaignId: $campaignId) { sequence type callId alert { id ruleName status } }
}
"""


def phrases_rule(*phrases: str, **fields: Any) -> dict[str, Any]:
    speaker = fields.pop("speaker", "EITHER")
    return {
        "name": fields.pop("name", "phrases"),
        "severity": fields.pop("severity", "CRITICAL"),
        "condition": {"phrasesSaid": {"phrases": list(phrases), "speaker": speaker}},
        **fields,
    }


def create_rule(api: Api, rule: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = api.data(CREATE_RULE, input=rule)["createRule"]
    return created


def alerts(api: Api, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.data(ALERTS, **filters)["alerts"]
    return found


def attention(api: Api, call_id: str = "call-1") -> dict[str, Any]:
    found: dict[str, Any] = api.data(ATTENTION, callId=call_id)["liveCall"]["attention"]
    return found
