"""The rules' vocabularies as GraphQL enums (``app.rules.enums``), registered in place."""

import strawberry

from app.rules.enums import AlertStatus, ConditionKind, RuleMetric, RuleSpeaker, RuleState, Severity

strawberry.enum(Severity, description="How urgently an alert needs a supervisor.")
strawberry.enum(
    AlertStatus,
    description="OPEN until acknowledged; RESOLVED when handled. Open alerts are OPEN or ACKNOWLEDGED.",
)
strawberry.enum(RuleSpeaker, description="Whose lines a phrases rule listens to.")
strawberry.enum(RuleMetric, description="A percentage metric of the agent's performance (0-100).")
strawberry.enum(
    RuleState,
    description="ON_HOLD; PHASE: in one phase (or any); SILENCE: no final line while CONNECTED.",
)
RuleConditionKind = ConditionKind
strawberry.enum(RuleConditionKind, name="RuleConditionKind", description="What a rule watches.")

__all__ = ["AlertStatus", "RuleConditionKind", "RuleMetric", "RuleSpeaker", "RuleState", "Severity"]
