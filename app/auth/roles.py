"""Roles and the permission matrix: which role may run which root field.

One table, read by the authorization extension and printed in the README.
A root field missing from the table is refused to everyone but admins, so a
new field is closed until someone decides who may use it (a test checks that
every field of the schema is listed).
"""

from enum import StrEnum


class Role(StrEnum):
    PIPELINE = "pipeline"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"
    ADMIN = "admin"


EVERYONE = frozenset(Role)
PIPELINE = frozenset({Role.PIPELINE, Role.ADMIN})
SUPERVISOR = frozenset({Role.SUPERVISOR, Role.ADMIN})
PIPELINE_OR_SUPERVISOR = frozenset({Role.PIPELINE, Role.SUPERVISOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # reads and subscriptions
    "liveCall": EVERYONE,
    "liveCalls": EVERYONE,
    "callEvents": EVERYONE,
    "campaigns": EVERYONE,
    "campaign": EVERYONE,
    "callAnalytics": EVERYONE,
    "campaignReport": EVERYONE,
    "webhookDeliveries": ADMIN,
    "alerts": EVERYONE,
    "rules": SUPERVISOR,
    # the voice pipeline's writes
    "startLiveCall": PIPELINE,
    "updateCallStatus": PIPELINE,
    "addTranscriptEntry": PIPELINE,
    "updatePerformanceMetrics": PIPELINE,
    "updateCallProgress": PIPELINE,
    "updateCallPhase": PIPELINE,
    "toggleRecording": PIPELINE,
    "updateSystemStatus": PIPELINE,
    # both: the pipeline hangs up, a supervisor ends a call
    "endLiveCall": PIPELINE_OR_SUPERVISOR,
    "updateCallObjective": PIPELINE_OR_SUPERVISOR,
    # supervisors' writes (END_CALL and TRANSFER_CALL are supervisor actions)
    "addSupervisorAction": SUPERVISOR,
    "addCoachingRecommendation": SUPERVISOR,
    "createCampaign": SUPERVISOR,
    "createRule": SUPERVISOR,
    "updateRule": SUPERVISOR,
    "deleteRule": SUPERVISOR,
    "acknowledgeAlert": SUPERVISOR,
    "resolveAlert": SUPERVISOR,
}


def allowed(role: Role, field: str) -> bool:
    return role is Role.ADMIN or role in PERMISSIONS.get(field, ADMIN)
