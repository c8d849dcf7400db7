"""GraphQL input types."""

import strawberry

from app.calls.performance import MetricsUpdate
from app.calls.ranges import PERCENT
from app.graphql.enums import EnergyLevel, ResponseQuality

PERCENT_TEXT = f"{PERCENT.text()}."


@strawberry.input(description="A partial metrics update: omitted fields keep their value.")
class PerformanceMetricsInput:
    script_adherence: float | None = strawberry.field(default=None, description=PERCENT_TEXT)
    agent_confidence: float | None = strawberry.field(default=None, description=PERCENT_TEXT)
    conversation_quality: float | None = strawberry.field(default=None, description=PERCENT_TEXT)
    prospect_engagement: float | None = strawberry.field(default=None, description=PERCENT_TEXT)
    voice_energy_level: EnergyLevel | None = None
    response_quality: ResponseQuality | None = None
    conversion_probability: float | None = strawberry.field(default=None, description=PERCENT_TEXT)
    demo_acceptance_probability: float | None = strawberry.field(default=None, description=PERCENT_TEXT)

    def to_update(self) -> MetricsUpdate:
        return MetricsUpdate(
            script_adherence=self.script_adherence,
            agent_confidence=self.agent_confidence,
            conversation_quality=self.conversation_quality,
            prospect_engagement=self.prospect_engagement,
            voice_energy_level=self.voice_energy_level.value if self.voice_energy_level else None,
            response_quality=self.response_quality.value if self.response_quality else None,
            conversion_probability=self.conversion_probability,
            demo_acceptance_probability=self.demo_acceptance_probability,
        )
