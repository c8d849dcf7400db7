"""The enabled rules, compiled once per rule version per process.

Every write reads the database's ``rule_version`` inside its transaction and reuses the
compiled set while the version stands, so a rule changed through any worker is in force
on every worker from that worker's next write. Phrases of every enabled phrases rule go
into one Aho-Corasick automaton: a line is matched against all of them in one pass,
however many rules there are.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from app.calls.models import LiveCall
from app.core.store import Store
from app.rules import counters
from app.rules.coaching import CoachingTemplate
from app.rules.conditions import AnyCondition, PhrasesNotSaid, PhrasesSaid, from_stored
from app.rules.enums import ConditionKind, Severity
from app.rules.models import RULE_VERSION, Rule
from app.rules.normalize import normalized


@dataclass(frozen=True)
class ActiveRule:
    """A rule as evaluation uses it: plain values, no row."""

    id: int
    name: str
    severity: Severity
    campaign_id: str | None
    condition: AnyCondition
    coaching: CoachingTemplate | None
    webhook: bool
    cooldown_seconds: float

    @classmethod
    def of(cls, row: Rule) -> "ActiveRule":
        assert row.id is not None
        return cls(
            id=row.id,
            name=row.name,
            severity=Severity(row.severity),
            campaign_id=row.campaign_id,
            condition=from_stored(row.kind, row.condition),
            coaching=CoachingTemplate.from_json(row.coaching) if row.coaching is not None else None,
            webhook=row.webhook,
            cooldown_seconds=row.cooldown_seconds,
        )

    @property
    def kind(self) -> ConditionKind:
        return self.condition.kind

    def applies_to(self, call: LiveCall) -> bool:
        """Global rules apply to every call, a campaign's to that campaign's calls."""
        return self.campaign_id is None or self.campaign_id == call.campaign_id


class PhraseMatcher:
    """Every phrase of the phrases rules, matched in one pass: the rules each line meets."""

    def __init__(self, rules: Iterable[ActiveRule]) -> None:
        found: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for rule in rules:
            assert isinstance(rule.condition, PhrasesSaid | PhrasesNotSaid)
            for phrase in rule.condition.phrases:
                found[normalized(phrase)].append((rule.id, phrase))
        self.size = len(found)
        self._automaton: Any = None
        if found:
            automaton = ahocorasick.Automaton()
            for key, owners in found.items():
                automaton.add_word(key, tuple(owners))
            automaton.make_automaton()
            self._automaton = automaton

    def matches(self, text: str) -> dict[int, str]:
        """Each rule with a phrase in ``text``, and the first such phrase (as the rule spells it)."""
        if self._automaton is None:
            return {}
        hits: dict[int, str] = {}
        for _, owners in self._automaton.iter(normalized(text)):
            for rule_id, phrase in owners:
                hits.setdefault(rule_id, phrase)
        return hits


@dataclass
class RuleSet:
    version: int
    rules: dict[int, ActiveRule]
    by_kind: dict[ConditionKind, list[ActiveRule]] = field(default_factory=dict)
    phrases: PhraseMatcher = field(default_factory=lambda: PhraseMatcher(()))

    @classmethod
    def compile(cls, version: int, rows: Iterable[Rule]) -> "RuleSet":
        active = [ActiveRule.of(row) for row in rows if row.enabled]
        by_kind: dict[ConditionKind, list[ActiveRule]] = defaultdict(list)
        for rule in active:
            by_kind[rule.kind].append(rule)
        phrase_rules = [*by_kind[ConditionKind.PHRASES_SAID], *by_kind[ConditionKind.PHRASES_NOT_SAID]]
        return cls(
            version=version,
            rules={rule.id: rule for rule in active},
            by_kind=dict(by_kind),
            phrases=PhraseMatcher(phrase_rules),
        )

    def of_kind(self, kind: ConditionKind, call: LiveCall) -> list[ActiveRule]:
        """The enabled rules of ``kind`` that apply to ``call``."""
        return [rule for rule in self.by_kind.get(kind, ()) if rule.applies_to(call)]


class RuleCache:
    """One compiled rule set per process (per app), replaced when the rule version moves."""

    def __init__(self) -> None:
        self._current: RuleSet | None = None

    async def current(self, store: Store) -> RuleSet:
        """The rule set at the version the transaction reads."""
        version = await counters.value(store, RULE_VERSION, once=True)
        known = self._current
        if known is not None and known.version == version:
            return known
        compiled = RuleSet.compile(version, await store.all(Rule, enabled=True))
        self._current = compiled
        return compiled
