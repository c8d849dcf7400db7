"""graphql-core internals: completing plain objects directly, and the overlapping-fields budget.

Written for graphql-core 3.3.2 (tested range in ``pyproject.toml``); 3.3 changed
both of the executor internals below, twice between 3.2 and 3.3.2.

- ``PlainFields`` overrides ``Executor.execute_fields`` (``:meta private:`` in
  graphql-core: "the methods used internally for executing and completing
  fields are not part of the public API") with its signature ``(parent_type,
  source_value, path, grouped_field_set, position_context)``, and reads the
  ``GroupedFieldSet`` it is given (``graphql.execution.collect_fields``, not
  exported): response names to ``FieldDetails`` lists whose ``.node`` is the
  field's AST node. It also relies on graphql-core collecting a list's item
  fields once, so one grouped field set (by identity) stands for every item.
  Why: ``app.graphql.execution``. It also overrides ``complete_iterable_value``
  (``item_type, field_details_list, info, path, items, position_context``) to
  complete a list of such objects in one loop, reading ``collect_subfields``'s
  ``(grouped_field_set, new_defer_usages, ...)`` and ``get_stream_usage``.
- ``ValidationAbortedError`` (``graphql.validation.validate``, not exported)
  with the message "Validation aborted.", which validation returns once a rule
  spends its budget; and the budget of the overlapping-fields rule,
  ``MAX_COMPLEXITY_BUDGET`` of ``graphql.validation.rules.overlapping_fields_can_be_merged``
  (in that module's ``__all__``; read as the rule starts). Why: ``app.graphql.document_limits``.

``PlainFields`` also replaces ``Executor.async_helpers`` (``GraphQLResolveInfoHelpers``, the
``gather`` and ``track`` that resolvers reach through ``info``): graphql-core builds them from
the executor's own bound methods, so every executor is a reference cycle, and a request's
whole execution (its collected fields, variable values, errors) waited for a full garbage
collection to be freed, about 120 objects a request. Here ``gather`` is
``gather_with_cancel`` (all ``gather_async_work`` does) and ``track`` reaches the executor
through a weak reference, settling what it is given as ``settle_in_background`` would if the
executor were already gone. It relies on ``Executor.__init__`` setting ``async_helpers`` and
on ``track_async_work(values)``.

``unlink_tokens`` clears ``Token.prev`` of a parsed document's tokens: the lexer links every
token both ways (``prev`` and ``next``), so each parsed document is a chain of reference
cycles that holds its text and every string literal until a full collection. 300 distinct
900 KB documents from anonymous callers held 368 MB more with young collections 20,000
allocations apart. Nothing after parsing reads ``prev`` (graphql-core's lexer sets it while
lexing, ``Token.__copy__`` copies it); ``next`` still walks the chain from
``DocumentNode.loc.start_token``.

``cache_variable_signatures`` replaces ``get_variable_signature`` as
``graphql.execution.values`` calls it (``coerce_variable_values``, for every variable of every
request) by one that computes a variable definition's signature once per definition node: its
type resolved from the AST (``type_from_ast``) and its default, about 1 µs a variable, the same
for every request of a cached document. It relies on that module-level name and on the signature
(a ``GraphQLVariableSignature`` named tuple) depending only on the schema and the node.

``app.graphql.sharing`` also relies on ``Executor.build_per_event_executor``
being called for every subscription event and ``execute_operation`` running it
(both public in 3.3). ``tests/adapters/test_graphql_core.py`` checks all of these.
"""

import asyncio
import inspect
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import cache
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
    VariableDefinitionNode,
)
from graphql.execution import Executor
from graphql.execution import values as _values
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.execution.get_variable_signature import GraphQLVariableSignature, get_variable_signature
from graphql.pyutils import Path
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from graphql.validation.rules import overlapping_fields_can_be_merged
from graphql.validation.validate import ValidationAbortedError

__all__ = [
    "GroupedFieldSet",
    "PlainFields",
    "Plan",
    "Reader",
    "ValidationAbortedError",
    "cache_variable_signatures",
    "is_validation_aborted",
    "set_overlapping_fields_budget",
    "unlink_tokens",
]

Reader = Callable[[Any], Any]
"""Reads one field's value off its source object."""

Plan = tuple[tuple[str, Reader, Callable[[Any], Any], bool], ...]
"""Per field: response name, how to read it, the output coercion, whether null is allowed."""


K = TypeVar("K")
V = TypeVar("V")


class _ByIdentity(Generic[K, V]):
    """A value kept for each live object, found by identity, gone with the object.

    For graphql-core's AST nodes, which are frozen dataclasses that hash and compare by value
    (a node's hash walks its subtree), and its schema fields, which are not hashable at all.
    """

    def __init__(self) -> None:
        self._values: dict[int, tuple[weakref.ref[Any], V]] = {}

    def get(self, key: K) -> V | None:
        found = self._values.get(id(key))
        return found[1] if found is not None and found[0]() is key else None

    def put(self, key: K, value: V) -> V:
        ident, values = id(key), self._values
        values[ident] = (weakref.ref(key, lambda _: values.pop(ident, None)), value)
        return value

    def __len__(self) -> int:
        return len(self._values)


_SIGNATURES: _ByIdentity[VariableDefinitionNode, tuple[GraphQLSchema, GraphQLVariableSignature]] = (
    _ByIdentity()
)
_stock_signature = get_variable_signature


def _signature(
    schema: GraphQLSchema, var_def_node: VariableDefinitionNode
) -> GraphQLVariableSignature | GraphQLError:
    known = _SIGNATURES.get(var_def_node)
    if known is not None and known[0] is schema:
        return known[1]
    signature = _stock_signature(schema, var_def_node)
    if isinstance(signature, GraphQLError):  # a fresh error each time, as graphql-core gives it
        return signature
    return _SIGNATURES.put(var_def_node, (schema, signature))[1]


def cache_variable_signatures() -> None:
    """Coerce every request's variables with each definition's signature computed once."""
    _values.get_variable_signature = _signature  # type: ignore[attr-defined,unused-ignore]


Planned = tuple[Reader, Callable[[Any], Any], bool] | None
_PLAIN: _ByIdentity[GraphQLField, tuple[Callable[[GraphQLField], Reader | None], Planned]] = _ByIdentity()


def _plain(
    field: GraphQLField | None, has_arguments: bool, reader: Callable[[GraphQLField], Reader | None]
) -> Planned:
    """How to complete ``field`` directly (``None``: through graphql-core), once per schema field."""
    if field is None or has_arguments or field.args:
        return None
    known = _PLAIN.get(field)
    if known is not None and known[0] is reader:
        return known[1]
    return _PLAIN.put(field, (reader, _plain_field(field, reader)))[1]


def _plain_field(field: GraphQLField, reader: Callable[[GraphQLField], Reader | None]) -> Planned:
    nullable = not isinstance(field.type, GraphQLNonNull)
    leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    read = reader(field)
    if read is None:
        return None
    coerce = _enum_output(leaf) if isinstance(leaf, GraphQLEnumType) else leaf.coerce_output_value
    return read, coerce, nullable


@cache
def _enum_output(enum_type: GraphQLEnumType) -> Callable[[Any], Any]:
    """An enum's output coercion as one lookup of the value; anything else takes the type's own.

    Strawberry's enum type looks a member's name up by walking the values (two enum
    fields of a transcript line were a third of completing it). Made once per enum type:
    each subscription event is an execution of its own, which plans its fields afresh.
    """
    slow = enum_type.coerce_output_value
    try:
        names = {value.value: name for name, value in enum_type.values.items()}
    except TypeError:
        return slow

    def coerce(value: Any) -> Any:
        name = names.get(value)
        return slow(value) if name is None else name

    return coerce


_settling: set[asyncio.Future[Any]] = set()


def _gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    return gather_with_cancel(*values)


def _helpers(executor: "weakref.ref[Executor[Any]]") -> GraphQLResolveInfoHelpers:
    def track(values: Sequence[Any]) -> None:
        alive = executor()
        if alive is not None:
            alive.track_async_work(values)
            return
        awaitables = [value for value in values if inspect.isawaitable(value)]
        if awaitables:
            settled = asyncio.gather(*awaitables, return_exceptions=True)
            _settling.add(settled)
            settled.add_done_callback(_settling.discard)

    return GraphQLResolveInfoHelpers(gather=_gather, track=track)


class PlainFields(Executor[Any]):
    """An executor completing objects of only plain scalar fields directly.

    A plain field has no arguments, a scalar or enum type, and a resolver that
    ``plain_reader`` can replace by a plain read; a subclass says which those are.
    """

    _plans: dict[int, tuple[GroupedFieldSet, Plan | None]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = _helpers(weakref.ref(self))

    @staticmethod
    def plain_reader(field: GraphQLField) -> Reader | None:
        """How to read ``field`` off a source without its resolver, or ``None`` if it takes its resolver."""
        return None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None and source_value is not None:
            data = self._complete_plain(plan, source_value)
            if data is not None:
                return data
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        # graphql-core's per-item completion (path key, dispatch on the type, collecting
        # the sub-fields) cost more than the items' fields: about 6 µs a transcript line.
        completed = self._complete_plain_list(item_type, field_details_list, path, items)
        if completed is not None:
            return completed
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _complete_plain_list(
        self, item_type: GraphQLOutputType, field_details_list: Any, path: Path, items: Iterable[Any]
    ) -> list[dict[str, Any]] | None:
        """The items' results, or ``None`` when any takes graphql-core's path."""
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of is not None:
            return None
        if not isinstance(items, list | tuple) or self.get_stream_usage(field_details_list, path):
            return None
        grouped_field_set, new_defer_usages, *_ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        plan = self._plan(object_type, grouped_field_set)
        if plan is None:
            return None
        completed = []
        for item in items:
            data = None if item is None else self._complete_plain(plan, item)
            if data is None:
                return None
            completed.append(data)
        return completed

    @staticmethod
    def _complete_plain(plan: Plan, source: Any) -> dict[str, Any] | None:
        """The object's result, or ``None`` when a field needs graphql-core's error handling."""
        data: dict[str, Any] = {}
        for name, read, coerce, nullable in plan:
            try:
                value = read(source)
                if value is None:
                    if not nullable:
                        return None
                    data[name] = None
                    continue
                coerced = coerce(value)
            except Exception:
                return None
            if coerced is None or coerced is Undefined:
                return None
            data[name] = coerced
        return data

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan | None:
        # graphql-core collects a list's item fields once, so one grouped field set
        # stands for every item: plan it once per execution, by identity.
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None
        if self._plans is None:
            self._plans = {}
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        plan: Plan | None = None
        steps = []
        for name, details in grouped_field_set.items():
            node = details[0].node
            field = parent_type.fields.get(node.name.value)
            plain = _plain(field, bool(node.arguments), self.plain_reader)
            if field is None or plain is None:
                break
            steps.append((name, *plain))
        else:
            plan = tuple(steps)
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan


ABORTED = "Validation aborted."


def is_validation_aborted(error: GraphQLError) -> bool:
    """Whether validation stopped here because a rule spent its budget."""
    return isinstance(error, ValidationAbortedError) and error.message == ABORTED


def set_overlapping_fields_budget(budget: int) -> None:
    """The budget the overlapping-fields rule reads as it starts: two units a comparison."""
    overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = budget


def unlink_tokens(document: DocumentNode) -> int:
    """Make ``document``'s token chain singly linked, for reference counting to free it;
    returns how many tokens it has, as ``max_tokens`` counts them (start and end excluded)."""
    tokens = -2
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        tokens += 1
        token.prev = None
        token = token.next
    return max(tokens, 0)
