"""Every handler of the rules' evaluation, one module per condition kind (or family).

The extension point: a new kind's handler module defines ``HANDLER`` and is listed here.
"""

from app.rules.handlers import (
    call_end,
    metric,
    phrases_not_said,
    phrases_said,
    pipeline_health,
    sentiment,
    sentiment_held,
    time_in_state,
)
from app.rules.handlers.base import Handler

HANDLERS: tuple[Handler, ...] = (
    phrases_said.HANDLER,
    sentiment.HANDLER,
    metric.HANDLER,
    pipeline_health.HANDLER,
    phrases_not_said.HANDLER,
    time_in_state.HANDLER,
    sentiment_held.HANDLER,
    call_end.HANDLER,
)

__all__ = ["HANDLERS", "Handler"]
