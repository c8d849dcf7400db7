"""The agent's live performance metrics, patched partially as the spec does."""

from dataclasses import asdict, dataclass
from typing import Any

from app.calls.enums import (
    EventType,
)
from app.calls.events import Transaction, snapshot
from app.calls.locks import lock_call, one_for_call
from app.calls.models import (
    LivePerformanceMetrics,
)
from app.calls.ranges import PERCENT
from app.calls.transitions import ensure_open
from app.core.sqltypes import utcnow
from app.core.validation import in_range


@dataclass(frozen=True)
class MetricsUpdate:
    """The spec's partial metrics patch: ``None`` leaves a value as it is."""

    script_adherence: float | None = None
    agent_confidence: float | None = None
    conversation_quality: float | None = None
    prospect_engagement: float | None = None
    voice_energy_level: str | None = None
    response_quality: str | None = None
    conversion_probability: float | None = None
    demo_acceptance_probability: float | None = None

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value is not None}


_PERCENT_METRICS = {
    "script_adherence": "metrics.scriptAdherence",
    "agent_confidence": "metrics.agentConfidence",
    "conversation_quality": "metrics.conversationQuality",
    "prospect_engagement": "metrics.prospectEngagement",
    "conversion_probability": "metrics.conversionProbability",
    "demo_acceptance_probability": "metrics.demoAcceptanceProbability",
}


async def update_performance_metrics(
    tx: Transaction, *, call_id: str, metrics: MetricsUpdate
) -> LivePerformanceMetrics:
    """Patch only the metrics given."""
    changes = metrics.changes()
    for name, label in _PERCENT_METRICS.items():
        in_range(label, changes.get(name), *PERCENT)
    call = await lock_call(tx, call_id)
    ensure_open(call, "updatePerformanceMetrics")
    row = await one_for_call(tx, LivePerformanceMetrics, call)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    tx.record(call, EventType.METRICS_UPDATED, {"metrics": snapshot(row)})
    return row
