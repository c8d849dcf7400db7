"""The example rules ``python -m app simulate`` makes sure of, so a first run shows alerts.

Each one is tripped by a shipped script: ``manager-request`` (the customer asks for a
manager), ``skipped-disclosure`` (the agent never says the call may be recorded),
``long-hold`` (the customer waits on hold). They are global rules (no campaign), found
by name: a rule of that name that exists already, edited or not, is left as it is.
Their times are wall-clock seconds on the server, so the time-based ones fire when the
scripts play in real time (``--speed 1``, the default).
"""

from dataclasses import dataclass, field
from typing import Any

from app.simulator import operations as ops
from app.simulator.client import ApiError, GraphQLClient

EXAMPLE_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "Customer asks for a manager",
        "severity": "CRITICAL",
        "condition": {
            "phrasesSaid": {
                "speaker": "CUSTOMER",
                "phrases": [
                    "speak to a manager",
                    "talk to a manager",
                    "speak to your manager",
                    "speak to your supervisor",
                    "talk to your supervisor",
                ],
            }
        },
        "coaching": {
            "type": "WARNING",
            "title": "Escalation requested",
            "description": "Acknowledge it, sum up the issue, and offer to bring in a supervisor.",
            "priority": 9,
        },
    },
    {
        "name": "Recording disclosure missing",
        "severity": "WARNING",
        "condition": {
            "phrasesNotSaid": {
                "speaker": "AGENT",
                "phrases": ["this call may be recorded", "this call is being recorded"],
                "withinSeconds": 30,
            }
        },
    },
    {
        "name": "Long hold",
        "severity": "WARNING",
        "condition": {"timeInState": {"state": "ON_HOLD", "seconds": 45}},
    },
)


@dataclass
class RulesOutcome:
    """What ``ensure_example_rules`` did, for the command's output."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    """Why the rules could not even be listed (a server without rules, a token without the role)."""

    def summary(self) -> str:
        if self.unavailable is not None:
            return f"Example rules: none made, the rules could not be listed ({self.unavailable})"
        parts = []
        if self.created:
            parts.append(f"created {', '.join(self.created)}")
        if self.existing:
            parts.append(f"already there: {', '.join(self.existing)}")
        parts.extend(f"could not create {name!r} ({why})" for name, why in self.failed.items())
        return f"Example rules: {'; '.join(parts)}"


async def ensure_example_rules(client: GraphQLClient) -> RulesOutcome:
    """Create the example rules that do not exist yet; a server without rules, or a token that
    may not manage them, is reported rather than stopping the calls from playing."""
    outcome = RulesOutcome()
    try:
        data = await client.execute(ops.RULES)
    except ApiError as error:
        outcome.unavailable = str(error)
        return outcome
    known = {rule["name"] for rule in data["rules"] if rule["campaignId"] is None}
    for rule in EXAMPLE_RULES:
        if rule["name"] in known:
            outcome.existing.append(rule["name"])
            continue
        try:
            await client.execute(ops.CREATE_RULE, input=rule)
        except ApiError as error:
            outcome.failed[rule["name"]] = str(error)
        else:
            outcome.created.append(rule["name"])
    return outcome
