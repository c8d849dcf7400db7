"""The rules' vocabularies, stored as these strings (GraphQL shows the same names)."""

from enum import StrEnum


class Severity(StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.CRITICAL: 3}


class AlertStatus(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class RuleSpeaker(StrEnum):
    AGENT = "AGENT"
    CUSTOMER = "CUSTOMER"
    EITHER = "EITHER"


class RuleMetric(StrEnum):
    """The percentage metrics a rule may watch; each value is its column on the metrics row."""

    SCRIPT_ADHERENCE = "script_adherence"
    AGENT_CONFIDENCE = "agent_confidence"
    CONVERSATION_QUALITY = "conversation_quality"
    PROSPECT_ENGAGEMENT = "prospect_engagement"
    CONVERSION_PROBABILITY = "conversion_probability"
    DEMO_ACCEPTANCE_PROBABILITY = "demo_acceptance_probability"
    IMMEDIATE_CLOSE_PROBABILITY = "immediate_close_probability"


class RuleState(StrEnum):
    ON_HOLD = "ON_HOLD"
    PHASE = "PHASE"
    SILENCE = "SILENCE"


class ConditionKind(StrEnum):
    PHRASES_SAID = "PHRASES_SAID"
    PHRASES_NOT_SAID = "PHRASES_NOT_SAID"
    SENTIMENT = "SENTIMENT"
    METRIC = "METRIC"
    TIME_IN_STATE = "TIME_IN_STATE"
    PIPELINE_HEALTH = "PIPELINE_HEALTH"
