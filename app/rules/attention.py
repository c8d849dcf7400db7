"""The call's open-alert counters, kept on its row so the board orders by attention in SQL."""

from app.calls.models import LiveCall
from app.rules.enums import Severity

_COLUMNS = {Severity.CRITICAL: "open_critical", Severity.WARNING: "open_warning", Severity.INFO: "open_info"}


def count_open(call: LiveCall, severity: Severity, by: int) -> None:
    """Add ``by`` (1 raised, -1 resolved) to the call's open alerts of ``severity``."""
    column = _COLUMNS[severity]
    setattr(call, column, max(0, getattr(call, column) + by))
