"""Every handler of the rules' evaluation, one module per condition kind (or family).

The extension point: a new kind's handler module defines ``HANDLER`` and is listed here.
"""

from app.rules.handlers import metric, phrases_said, pipeline_health, sentiment
from app.rules.handlers.base import Handler

HANDLERS: tuple[Handler, ...] = (
    phrases_said.HANDLER,
    sentiment.HANDLER,
    metric.HANDLER,
    pipeline_health.HANDLER,
)

__all__ = ["HANDLERS", "Handler"]
