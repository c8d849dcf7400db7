"""Parsed and validated documents kept for reuse, within a byte budget.

Parsing and validation dominate a small request (PITFALLS.md), so a document
seen before is neither parsed nor validated again. Strawberry's ParserCache and
ValidationCache bound their LRUs by entries (1,000 here), not bytes: a parsed
document holds every token of its text (about 600 bytes each) and every
string literal, so 300 distinct ~900 KB documents pinned 550 MB, and 1,000
documents of 5,000 tokens would pin 3 GB. This cache estimates each entry's
bytes and evicts the least recently used beyond ``DOCUMENT_CACHE_BYTES``.

It uses Strawberry's public extension hooks only: it sets the parsed document,
or the validation errors, before Strawberry would compute them, and records
what Strawberry computed afterwards. It keys on the query text, so a hit costs
a dictionary lookup (hashing a frozen graphql-core AST, as ValidationCache's
``lru_cache`` does, walks the whole tree on every request).

One cache serves the process, as the schema does; the last app created sets
its budget (``graphql_view``).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from app.adapters.graphql_core import unlink_tokens

BYTES_PER_TOKEN = 700
"""A token object, its place in the AST and the node it becomes: 350-700 bytes measured."""
BYTES_PER_ERROR = 1_024
BYTES_PER_PREPARED = 512
"""A prepared operation's record and its key: it shares the entry's document."""


@dataclass
class _Entry:
    document: DocumentNode
    options: tuple[tuple[str, Any], ...]
    tokens: int
    size: int
    rules: tuple[type[ASTValidationRule], ...] | None = None
    errors: tuple[GraphQLError, ...] | None = None
    prepared: dict[Hashable, Any] = field(default_factory=dict)
    """What ``app.graphql.prepared`` recorded of this document, by audience and operation."""


def estimated_size(query: str, tokens: int) -> int:
    """Bytes an entry keeps alive: the text, its copies in string tokens, and every token."""
    return 2 * len(query) + BYTES_PER_TOKEN * (tokens + 2)


class DocumentCache:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.validations = 0
        """How many validation results were stored: each one is a document validated once."""
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()  # tests serve several apps from threads of one process

    def configure(self, budget: int) -> None:
        with self._lock:
            self.budget = budget
            self._evict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str, options: tuple[tuple[str, Any], ...], max_tokens: int | None) -> _Entry | None:
        """The entry of ``query`` parsed with ``options``, if it has at most ``max_tokens``:
        a document too long for this caller is parsed again, and refused by the parser."""
        with self._lock:
            entry = self._entries.get(query)
            if entry is None or entry.options != options:
                return None
            if max_tokens is not None and entry.tokens > max_tokens:
                return None
            self._entries.move_to_end(query)
            return entry

    def put(
        self, query: str, options: tuple[tuple[str, Any], ...], document: DocumentNode, tokens: int
    ) -> _Entry | None:
        size = estimated_size(query, tokens)
        if size > self.budget:
            return None
        entry = _Entry(document, options, tokens, size)
        with self._lock:
            old = self._entries.pop(query, None)
            if old is not None:
                self.size -= old.size
            self._entries[query] = entry
            self.size += size
            self._evict()
            return entry if self._entries.get(query) is entry else None

    def put_errors(
        self,
        query: str,
        entry: _Entry,
        rules: tuple[type[ASTValidationRule], ...],
        errors: list[GraphQLError],
    ) -> None:
        grown = BYTES_PER_ERROR * len(errors)
        with self._lock:
            if self._entries.get(query) is not entry:
                return  # evicted or replaced meanwhile
            entry.rules, entry.errors = rules, tuple(errors)
            entry.size += grown
            self.size += grown
            self.validations += 1
            self._evict()

    def prepared(self, query: str, key: Hashable) -> Any:
        """What was recorded of ``query`` under ``key`` (``None``: nothing, or evicted since)."""
        with self._lock:
            entry = self._entries.get(query)
            if entry is None:
                return None
            found = entry.prepared.get(key)
            if found is not None:
                self._entries.move_to_end(query)
            return found

    def prepare(self, query: str, document: DocumentNode, key: Hashable, record: Any) -> None:
        """Keep ``record`` with the entry of ``query``, if that entry still holds ``document``."""
        with self._lock:
            entry = self._entries.get(query)
            if entry is None or entry.document is not document or key in entry.prepared:
                return
            entry.prepared[key] = record
            entry.size += BYTES_PER_PREPARED
            self.size += BYTES_PER_PREPARED
            self._evict()

    def _evict(self) -> None:
        while self.size > self.budget and self._entries:
            _, entry = self._entries.popitem(last=False)
            self.size -= entry.size


DOCUMENTS = DocumentCache(budget=32 * 1_048_576)


def _options(parse_options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    # max_tokens differs by caller (DocumentLimits): the lookup checks it against the entry.
    return tuple(sorted((k, v) for k, v in parse_options.items() if k != "max_tokens"))


class CachedDocuments(SchemaExtension):
    """Reuse the parse and the validation of a document seen before, in ``DOCUMENTS``."""

    _entry: _Entry | None = None

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        query = execution.query
        options = _options(execution.parse_options)
        if query is not None:
            self._entry = DOCUMENTS.get(query, options, execution.parse_options.get("max_tokens"))
            if self._entry is not None:
                execution.graphql_document = self._entry.document
        yield
        document = execution.graphql_document
        if query is not None and self._entry is None and document is not None:
            self._entry = DOCUMENTS.put(query, options, document, unlink_tokens(document))

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        entry = self._entry
        rules = tuple(execution.validation_rules)
        if (
            entry is None
            or execution.query is None
            or execution.pre_execution_errors is not None  # refused by DocumentLimits
            or entry.document is not execution.graphql_document
        ):
            yield
            return
        if entry.errors is not None and entry.rules == rules:
            execution.pre_execution_errors = list(entry.errors)
            yield
            return
        yield
        if execution.pre_execution_errors is not None:  # what Strawberry's validation found
            DOCUMENTS.put_errors(execution.query, entry, rules, execution.pre_execution_errors)
