"""GraphQL input types."""

import strawberry

from app.calls.performance import MetricsUpdate
from app.graphql.enums import EnergyLevel, ResponseQuality


@strawberry.input(description="A partial metrics update: omitted fields keep their value.")
class PerformanceMetricsInput:
    script_adherence: float | None = strawberry.field(default=None, description="0 to 100.")
    agent_confidence: float | None = strawberry.field(default=None, description="0 to 100.")
    conversation_quality: float | None = strawberry.field(default=None, description="0 to 100.")
    prospect_engagement: float | None = strawberry.field(default=None, description="0 to 100.")
    voice_energy_level: EnergyLevel | None = None
    response_quality: ResponseQuality | None = None
    conversion_probability: float | None = strawberry.field(default=None, description="0 to 100.")
    demo_acceptance_probability: float | None = strawberry.field(default=None, description="0 to 100.")

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
