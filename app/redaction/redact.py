"""A line with its sensitive spans replaced, under a redaction policy.

A pure function of the text and the policy: the write path calls it before
anything of a line is stored, logged or published.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.core.errors import InvalidInput
from app.redaction.detect import Found, find
from app.redaction.entities import PCI_AND_SSN, Entity


@dataclass(frozen=True)
class Policy:
    """Which kinds are redacted, and which of them keep their last four digits (``•••• 1111``)."""

    entities: frozenset[Entity]
    last_four: frozenset[Entity] = frozenset()
    region: str = "US"
    """Where phone numbers written without a country code are read as from."""

    @classmethod
    def of(cls, redact: Iterable[str], keep_last_four: Iterable[str] = (), region: str = "US") -> "Policy":
        """A policy from kind names (settings, a campaign's stored policy); an unknown name is an error."""
        return cls(_kinds("redact", redact), _kinds("keepLastFour", keep_last_four), region)

    def stored(self) -> dict[str, Any]:
        """The policy as a call or campaign row keeps it (JSON)."""
        return {
            "redact": sorted(self.entities),
            "keepLastFour": sorted(self.last_four),
            "region": self.region,
        }

    @classmethod
    def from_stored(cls, value: dict[str, Any], region: str = "US") -> "Policy":
        return _stored_policy(
            tuple(value.get("redact", ())), tuple(value.get("keepLastFour", ())), value.get("region", region)
        )

    def replacement(self, found: Found) -> str:
        if found.entity in self.last_four and len(found.digits) > 4:
            return f"•••• {found.digits[-4:]}"
        return f"[{found.entity.value}]"


@lru_cache(maxsize=256)
def _stored_policy(redact: tuple[str, ...], keep_last_four: tuple[str, ...], region: str) -> Policy:
    """Every append reads its call's stored policy: parsed once per distinct policy."""
    return Policy.of(redact, keep_last_four, region)


def _kinds(field: str, names: Iterable[str]) -> frozenset[Entity]:
    known = {entity.value for entity in Entity}
    unknown = sorted(set(names) - known)
    if unknown:
        raise InvalidInput(field, f"unknown kinds {unknown}; known: {sorted(known)}")
    return frozenset(Entity(name) for name in names)


DEFAULT_POLICY = Policy(PCI_AND_SSN)
NO_REDACTION = Policy(frozenset())


@dataclass(frozen=True)
class Redacted:
    text: str
    spans: list[tuple[int, int, Entity]] = field(default_factory=list)
    """Where the replacements stand in ``text``, and of what kind."""


def redact(text: str, policy: Policy) -> Redacted:
    if not policy.entities:
        return Redacted(text)
    pieces: list[str] = []
    spans: list[tuple[int, int, Entity]] = []
    cursor = 0
    length = 0
    for found in find(text, policy.entities, region=policy.region):
        kept = text[cursor : found.start]
        replacement = policy.replacement(found)
        pieces += [kept, replacement]
        length += len(kept)
        spans.append((length, length + len(replacement), found.entity))
        length += len(replacement)
        cursor = found.end
    if not spans:
        return Redacted(text)
    pieces.append(text[cursor:])
    return Redacted("".join(pieces), spans)
