"""Rules in GraphQL: the condition inputs (one of them per rule), the output types mirroring them."""

import dataclasses
from datetime import datetime

import strawberry

from app.calls import ranges
from app.core.errors import InvalidInput
from app.graphql.enums import PipelineService, RecommendationType
from app.graphql.rule_enums import RuleConditionKind, RuleMetric, RuleSpeaker, RuleState, Severity
from app.rules import conditions
from app.rules import models as rule_models
from app.rules.coaching import CoachingTemplate as Template
from app.rules.drafts import RuleDraft
from app.rules.drafts import RulePatch as Patch

SECONDS = f"Seconds, {ranges.RULE_SECONDS.text()}."
PHRASES = (
    f"1 to {ranges.MAX_PHRASES} phrases of up to {ranges.MAX_PHRASE_LENGTH} characters, matched as whole "
    "words regardless of case and accents."
)


@strawberry.input(description="Fires on a final line with one of the phrases.")
class PhrasesSaidInput:
    phrases: list[str] = strawberry.field(description=PHRASES)
    speaker: RuleSpeaker = RuleSpeaker.EITHER


@strawberry.input(
    description=(
        "Fires when none of the phrases was said by a deadline: exactly one of withinSeconds "
        "(counted from the call becoming CONNECTED) or beforePhaseEnds."
    )
)
class PhrasesNotSaidInput:
    phrases: list[str] = strawberry.field(description=PHRASES)
    speaker: RuleSpeaker = RuleSpeaker.AGENT
    within_seconds: float | None = strawberry.field(default=None, description=SECONDS)
    before_phase_ends: str | None = strawberry.field(default=None, description="A phase of the call script.")


@strawberry.input(
    description=(
        "Exactly one of negativeAtLeast (0-100) or declining: true; at most one of forSeconds or "
        f"forLines ({ranges.RULE_LINES.text()} consecutive final lines); neither fires at once."
    )
)
class SentimentConditionInput:
    negative_at_least: int | None = None
    declining: bool | None = None
    for_seconds: float | None = strawberry.field(default=None, description=SECONDS)
    for_lines: int | None = None


@strawberry.input(description="Exactly one of below or atLeast (0-100).")
class MetricConditionInput:
    metric: RuleMetric
    below: float | None = None
    at_least: float | None = None


@strawberry.input(description="Fires after `seconds` in the state; phase only with PHASE (null: any phase).")
class TimeInStateInput:
    state: RuleState
    seconds: float = strawberry.field(description=SECONDS)
    phase: str | None = None


@strawberry.input(
    description=(
        "Exactly one of inError, apiLatencyAboveMs "
        f"({ranges.LATENCY_MS.text()}) or errorRateAbove ({ranges.ERROR_RATE.text()}); "
        "service narrows inError to one service (null: any)."
    )
)
class PipelineHealthInput:
    service: PipelineService | None = None
    in_error: bool | None = None
    api_latency_above_ms: float | None = None
    error_rate_above: float | None = None


@strawberry.input(one_of=True, description="A rule's one condition: exactly one of these.")
class RuleConditionInput:
    phrases_said: PhrasesSaidInput | None = strawberry.UNSET
    phrases_not_said: PhrasesNotSaidInput | None = strawberry.UNSET
    sentiment: SentimentConditionInput | None = strawberry.UNSET
    metric: MetricConditionInput | None = strawberry.UNSET
    time_in_state: TimeInStateInput | None = strawberry.UNSET
    pipeline_health: PipelineHealthInput | None = strawberry.UNSET

    def to_condition(self) -> conditions.AnyCondition:
        if self.phrases_said:
            said = self.phrases_said
            return conditions.PhrasesSaid(tuple(said.phrases), said.speaker)
        if self.phrases_not_said:
            not_said = self.phrases_not_said
            return conditions.PhrasesNotSaid(
                tuple(not_said.phrases), not_said.speaker, not_said.within_seconds, not_said.before_phase_ends
            )
        if self.sentiment:
            s = self.sentiment
            return conditions.SentimentCondition(s.negative_at_least, s.declining, s.for_seconds, s.for_lines)
        if self.metric:
            m = self.metric
            return conditions.MetricCondition(m.metric, m.below, m.at_least)
        if self.time_in_state:
            t = self.time_in_state
            return conditions.TimeInState(t.state, t.seconds, t.phase)
        if self.pipeline_health:
            p = self.pipeline_health
            return conditions.PipelineHealth(
                p.service, p.in_error, p.api_latency_above_ms, p.error_rate_above
            )
        raise InvalidInput("condition", "give exactly one condition")


@strawberry.input(description="The coaching recommendation each firing adds to the call (priority 1-10).")
class CoachingTemplateInput:
    type: RecommendationType
    title: str
    description: str
    priority: int

    def to_template(self) -> Template:
        return Template(self.type, self.title, self.description, self.priority)


COOLDOWN = f"Seconds a rule stays quiet on a call after firing there, {ranges.COOLDOWN_SECONDS.text()}."


@strawberry.input(description="A new rule. campaignId null: a global rule (needs an unscoped token).")
class RuleInput:
    name: str
    severity: Severity
    condition: RuleConditionInput
    campaign_id: str | None = None
    enabled: bool = True
    coaching: CoachingTemplateInput | None = None
    webhook: bool = strawberry.field(default=False, description="Also send a signed `call.alert` webhook.")
    cooldown_seconds: float = strawberry.field(default=300, description=COOLDOWN)

    def to_draft(self) -> RuleDraft:
        return RuleDraft(
            name=self.name,
            severity=self.severity,
            condition=self.condition.to_condition(),
            campaign_id=self.campaign_id,
            enabled=self.enabled,
            coaching=self.coaching.to_template() if self.coaching else None,
            webhook=self.webhook,
            cooldown_seconds=self.cooldown_seconds,
        )


@strawberry.input(name="RulePatch", description="Changes to a rule; fields left out stay as they are.")
class RulePatchInput:
    name: str | None = None
    severity: Severity | None = None
    enabled: bool | None = None
    condition: RuleConditionInput | None = None
    coaching: CoachingTemplateInput | None = None
    remove_coaching: bool | None = strawberry.field(default=None, description="Drop the coaching template.")
    webhook: bool | None = None
    cooldown_seconds: float | None = strawberry.field(default=None, description=COOLDOWN)

    def to_patch(self) -> Patch:
        return Patch(
            name=self.name,
            severity=self.severity,
            enabled=self.enabled,
            condition=self.condition.to_condition() if self.condition else None,
            coaching=self.coaching.to_template() if self.coaching else None,
            remove_coaching=bool(self.remove_coaching),
            webhook=self.webhook,
            cooldown_seconds=self.cooldown_seconds,
        )


@strawberry.type
class PhrasesSaid:
    phrases: list[str]
    speaker: RuleSpeaker


@strawberry.type
class PhrasesNotSaid:
    phrases: list[str]
    speaker: RuleSpeaker
    within_seconds: float | None
    before_phase_ends: str | None


@strawberry.type
class SentimentCondition:
    negative_at_least: int | None
    declining: bool | None
    for_seconds: float | None
    for_lines: int | None


@strawberry.type
class MetricCondition:
    metric: RuleMetric
    below: float | None
    at_least: float | None


@strawberry.type
class TimeInState:
    state: RuleState
    seconds: float
    phase: str | None


@strawberry.type
class PipelineHealth:
    service: PipelineService | None
    in_error: bool | None
    api_latency_above_ms: float | None
    error_rate_above: float | None


@strawberry.type(description="A rule's condition: `kind`, and the one field of that kind set.")
class RuleCondition:
    kind: RuleConditionKind
    phrases_said: PhrasesSaid | None = None
    phrases_not_said: PhrasesNotSaid | None = None
    sentiment: SentimentCondition | None = None
    metric: MetricCondition | None = None
    time_in_state: TimeInState | None = None
    pipeline_health: PipelineHealth | None = None

    @classmethod
    def of(cls, condition: conditions.AnyCondition) -> "RuleCondition":
        """The output type of the condition's kind, field for field (the names are the same)."""
        name, output = _OUTPUTS[condition.kind]
        values = {
            field.name: list(value) if isinstance(value := getattr(condition, field.name), tuple) else value
            for field in dataclasses.fields(condition)
        }
        return cls(kind=condition.kind, **{name: output(**values)})


_OUTPUTS: dict[RuleConditionKind, tuple[str, type]] = {
    RuleConditionKind.PHRASES_SAID: ("phrases_said", PhrasesSaid),
    RuleConditionKind.PHRASES_NOT_SAID: ("phrases_not_said", PhrasesNotSaid),
    RuleConditionKind.SENTIMENT: ("sentiment", SentimentCondition),
    RuleConditionKind.METRIC: ("metric", MetricCondition),
    RuleConditionKind.TIME_IN_STATE: ("time_in_state", TimeInState),
    RuleConditionKind.PIPELINE_HEALTH: ("pipeline_health", PipelineHealth),
}


@strawberry.type
class CoachingTemplate:
    type: RecommendationType
    title: str
    description: str
    priority: int


@strawberry.type(description="A rule: when its condition is met on a call, it raises an alert there.")
class Rule:
    id: strawberry.ID
    name: str
    severity: Severity
    campaign_id: str | None = strawberry.field(description="Null: a global rule, applied to every call.")
    enabled: bool
    condition: RuleCondition
    coaching: CoachingTemplate | None
    webhook: bool
    cooldown_seconds: float
    created_at: datetime
    updated_at: datetime
    created_by: str | None = strawberry.field(description="The token's subject that created it.")

    @classmethod
    def from_row(cls, row: rule_models.Rule) -> "Rule":
        template = Template.from_json(row.coaching) if row.coaching is not None else None
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            severity=Severity(row.severity),
            campaign_id=row.campaign_id,
            enabled=row.enabled,
            condition=RuleCondition.of(conditions.from_stored(row.kind, row.condition)),
            coaching=(
                CoachingTemplate(
                    type=template.type,
                    title=template.title,
                    description=template.description,
                    priority=template.priority,
                )
                if template is not None
                else None
            ),
            webhook=row.webhook,
            cooldown_seconds=row.cooldown_seconds,
            created_at=row.created_at,
            updated_at=row.updated_at,
            created_by=row.created_by,
        )
