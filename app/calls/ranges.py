"""The valid range of every number the API takes, in one place.

Services check their arguments against these (``validation``), the GraphQL
descriptions and the README's "Valid ranges" table state them. They are picked
so that every value derived from them is finite by construction: the largest
cost of a call is 604,800 s / 60 * 1,000 $/min = 10,080,000 $, and the longest
retention period reaches back 100 years, well inside what a datetime holds.
Page sizes (``first``) are settings; afterSequence runs up to the call's last
sequence. GraphQL itself refuses an Int beyond 32 bits and a Float that is not
finite, before any of these checks.
"""

from typing import NamedTuple

from app.core.validation import number


class Range(NamedTuple):
    """``low`` to ``high``, both included; ``in_range(field, value, *RANGE)`` checks one."""

    low: float
    high: float

    def text(self) -> str:
        return f"{number(self.low)} to {number(self.high)}"


INT_MAX = 2**31 - 1
"""GraphQL's Int is 32 bits: the largest cursor a client can send."""

DURATION_SECONDS = Range(0, 7 * 24 * 3600)
"""updateCallProgress(duration:): a week, far beyond any call."""
GAIN = Range(0, 100)
PERCENT = Range(0, 100)
"""The percentage metrics of updatePerformanceMetrics."""
CONFIDENCE = Range(0, 1)
ERROR_RATE = Range(0, 1)
LATENCY_MS = Range(0, 3_600_000)
"""An hour: a pipeline stage slower than that is down, not slow."""
PRIORITY = Range(1, 10)
COST_PER_MINUTE = Range(0, 1_000)
"""US dollars per minute."""
RETENTION_DAYS = Range(0, 36_500)
"""More than ``low`` (0 would purge a call as it ends) and at most 100 years."""
MAX_OBJECTIVES = 50
"""Objectives a campaign seeds on each call."""
OBJECTIVE_ORDER = Range(0, MAX_OBJECTIVES - 1)
TRANSCRIPT_AFTER = Range(-1, INT_MAX)
"""An order the client holds; -1, like no value, starts at the first line."""
RULE_SECONDS = Range(1, 86_400)
"""A rule's time periods (withinSeconds, forSeconds, seconds in a state): a second to a day."""
COOLDOWN_SECONDS = Range(0, 86_400)
"""How long a rule stays quiet on a call after firing; 0 fires on every match."""
RULE_LINES = Range(1, 1_000)
"""Consecutive final lines a sentiment rule waits for."""
MAX_PHRASES = 200
"""Phrases one rule may list."""
MAX_PHRASE_LENGTH = 200
