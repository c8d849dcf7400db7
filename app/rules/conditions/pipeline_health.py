"""PIPELINE_HEALTH: a pipeline service in error, or the call's API latency or error rate above a value.

``service`` narrows ``in_error`` to one service (``None``: any); latency and error rate are
the call's, whichever service reported them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from app.calls.enums import PipelineService, ServiceStatus
from app.calls.ranges import ERROR_RATE, LATENCY_MS
from app.core.validation import in_range
from app.rules.conditions.base import exactly_one
from app.rules.enums import ConditionKind


@dataclass(frozen=True)
class PipelineHealth:
    kind: ClassVar[ConditionKind] = ConditionKind.PIPELINE_HEALTH
    key: ClassVar[str] = "pipelineHealth"

    service: PipelineService | None = None
    in_error: bool | None = None
    api_latency_above_ms: float | None = None
    error_rate_above: float | None = None

    def check(self, at: str) -> None:
        exactly_one(
            at,
            inError=self.in_error,
            apiLatencyAboveMs=self.api_latency_above_ms,
            errorRateAbove=self.error_rate_above,
        )
        in_range(f"{at}.apiLatencyAboveMs", self.api_latency_above_ms, *LATENCY_MS)
        in_range(f"{at}.errorRateAbove", self.error_rate_above, *ERROR_RATE)

    def unhealthy(self, config: Mapping[str, Any]) -> str | None:
        """Why the call's pipeline (a ``call_system_config`` snapshot) meets the condition, or ``None``."""
        if self.in_error:
            services = [self.service] if self.service is not None else list(PipelineService)
            for service in services:
                if config[f"{service.value}_status"] == ServiceStatus.ERROR.value:
                    return f"{service.name} is in error"
            return None
        if self.api_latency_above_ms is not None:
            if config["api_latency"] > self.api_latency_above_ms:
                return f"API latency {config['api_latency']:g} ms is above {self.api_latency_above_ms:g} ms"
            return None
        assert self.error_rate_above is not None
        if config["error_rate"] > self.error_rate_above:
            return f"error rate {config['error_rate']:g} is above {self.error_rate_above:g}"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service.value if self.service is not None else None,
            "in_error": self.in_error,
            "api_latency_above_ms": self.api_latency_above_ms,
            "error_rate_above": self.error_rate_above,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PipelineHealth":
        service = data.get("service")
        return cls(
            service=PipelineService(service) if service is not None else None,
            in_error=data.get("in_error"),
            api_latency_above_ms=data.get("api_latency_above_ms"),
            error_rate_above=data.get("error_rate_above"),
        )
