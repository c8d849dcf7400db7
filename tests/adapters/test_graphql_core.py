"""The graphql-core internals app/adapters/graphql_core.py relies on, as of graphql-core 3.3.2.

If one of these fails after upgrading graphql-core, re-read ``Executor.execute_fields``,
``complete_iterable_value``, ``collect_subfields``
and ``build_per_event_executor`` (graphql/execution/executor.py),
``GroupedFieldSet`` (graphql/execution/collect_fields.py), ``ValidationAbortedError``
(graphql/validation/validate.py), ``MAX_COMPLEXITY_BUDGET``
(graphql/validation/rules/overlapping_fields_can_be_merged.py) and ``Token.prev``
(graphql/language/ast.py, lexer.py), and adjust the
adapter; what is built on them is tested in tests/graphql/test_plain_fields_executor.py,
tests/graphql/test_hostile_documents.py and tests/e2e/test_shared_results.py.
"""

import asyncio
import gc
import inspect
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLField,
    GraphQLSyntaxError,
    build_schema,
    execute_sync,
    parse,
    print_ast,
    subscribe,
    validate,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails
from graphql.validation.rules import overlapping_fields_can_be_merged

from app.adapters.graphql_core import (
    _PLAIN,
    _SIGNATURES,
    GroupedFieldSet,
    PlainFields,
    Reader,
    cache_variable_signatures,
    is_validation_aborted,
    set_overlapping_fields_budget,
    unlink_tokens,
)
from tests.adapters.versions import assert_tested

INTERNALS = (
    "Executor.execute_fields, complete_iterable_value and collect_subfields, GroupedFieldSet, "
    "ValidationAbortedError, MAX_COMPLEXITY_BUDGET, Token.prev and values.get_variable_signature"
)

SCHEMA = build_schema(
    """
    enum Kind { BIG SMALL }
    type Item { name: String!, size: Int, kind: Kind }
    type Query { items: [Item!]!, one: Item }
    type Subscription { item: Item }
    """
)


@dataclass
class Item:
    name: str
    size: int | None
    kind: str | None = None


async def _two_items(*_: Any) -> AsyncIterator[dict[str, Item]]:
    for item in (Item("a", 1), Item("b", 2)):
        yield {"item": item}


SCHEMA.subscription_type.fields["item"].subscribe = _two_items  # type: ignore[union-attr]


class Counting(PlainFields):
    planned: list[str] = []  # noqa: RUF012  (reset by each test)
    events = 0
    objects = 0

    def execute_fields(self, *arguments: Any) -> Any:
        Counting.objects += 1
        return super().execute_fields(*arguments)

    @staticmethod
    def plain_reader(field: GraphQLField) -> Reader | None:
        assert field.ast_node is not None
        Counting.planned.append(field.ast_node.name.value)
        return attrgetter(field.ast_node.name.value)

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        Counting.events += 1
        return super().build_per_event_executor(payload)


def test_graphql_core_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("graphql-core", ">=3.3.2,<3.4", internals=INTERNALS)


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        ("execute_fields", ["parent_type", "source_value", "path", "grouped_field_set", "position_context"]),
        (
            "complete_iterable_value",
            ["item_type", "field_details_list", "info", "path", "items", "position_context"],
        ),
    ],
)
def test_an_overridden_method_still_takes_what_the_override_takes(method: str, parameters: list[str]) -> None:
    assert list(inspect.signature(getattr(Executor, method)).parameters) == ["self", *parameters]


def test_collect_subfields_gives_the_grouped_field_set_then_the_new_defer_usages() -> None:
    seen: list[Any] = []

    class Recording(Executor[Any]):
        def collect_subfields(self, return_type: Any, field_details_list: Any) -> Any:
            collected = super().collect_subfields(return_type, field_details_list)
            seen.append(collected)
            return collected

    execute_sync(SCHEMA, parse("{ one { name } }"), {"one": Item("a", 1)}, executor_class=Recording)

    grouped, new_defer_usages, *_ = seen[-1]
    assert list(grouped) == ["name"]
    assert list(new_defer_usages) == []


def test_a_list_of_plain_objects_is_completed_in_one_pass_as_graphql_core_would() -> None:
    Counting.objects = 0
    items = [Item("a", 1, "BIG"), Item("b", None, None), Item("c", 3, "SMALL")]
    document = parse("{ items { name size kind } }")

    result = execute_sync(SCHEMA, document, {"items": items}, executor_class=Counting)

    assert result == execute_sync(SCHEMA, document, {"items": items})
    assert Counting.objects == 1  # the root only: no item went through execute_fields


def test_a_list_with_an_item_graphql_core_would_refuse_takes_its_error_path() -> None:
    items = [Item("a", 1), Item(None, 2), Item("c", 3, "HUGE")]  # type: ignore[arg-type]
    document = parse("{ items { name kind } }")

    result = execute_sync(SCHEMA, document, {"items": items}, executor_class=Counting)

    assert result == execute_sync(SCHEMA, document, {"items": items})
    assert result.errors


def test_a_grouped_field_set_is_response_names_to_field_details_with_their_nodes() -> None:
    seen: list[GroupedFieldSet] = []

    class Recording(Executor[Any]):
        def execute_fields(
            self, parent_type: Any, source_value: Any, path: Any, grouped: Any, at: Any
        ) -> Any:
            seen.append(grouped)
            return super().execute_fields(parent_type, source_value, path, grouped, at)

    execute_sync(SCHEMA, parse("{ one { n: name } }"), {"one": Item("a", 1)}, executor_class=Recording)

    details = seen[-1]["n"]
    assert isinstance(details, list)
    assert isinstance(details[0], FieldDetails)
    assert details[0].node.name.value == "name"


def test_plain_objects_are_completed_by_the_override_and_each_field_planned_once() -> None:
    Counting.planned = []
    schema = build_schema("type Item { name: String!, size: Int } type Query { items: [Item!]! }")
    items = [Item("a", 1), Item("b", None), Item("c", 3)]

    results = [
        execute_sync(schema, parse("{ items { name size } }"), {"items": items}, executor_class=Counting)
        for _ in range(3)
    ]

    for result in results:
        assert result.errors is None
        assert result.data == {
            "items": [{"name": "a", "size": 1}, {"name": "b", "size": None}, {"name": "c", "size": 3}]
        }
    assert Counting.planned == ["name", "size"]  # once per schema field, not per item or execution


def test_a_field_is_planned_again_for_another_reader() -> None:
    class Other(Counting):
        @staticmethod
        def plain_reader(field: GraphQLField) -> Reader | None:
            Counting.planned.append(f"other {field.ast_node.name.value}")  # type: ignore[union-attr]
            return None  # every field through its resolver

    schema = build_schema("type Item { name: String! } type Query { one: Item }")
    Counting.planned = []
    execute_sync(schema, parse("{ one { name } }"), {"one": Item("a", 1)}, executor_class=Counting)
    result = execute_sync(schema, parse("{ one { name } }"), {"one": {"name": "b"}}, executor_class=Other)

    assert Counting.planned == ["name", "other name"]
    assert result.data == {"one": {"name": "b"}}


def test_a_fields_plan_goes_with_its_schema() -> None:
    gc.collect()  # schemas are cycles: earlier tests' may still be waiting for a collection
    before = len(_PLAIN)
    schema = build_schema("type Item { name: String! } type Query { one: Item }")
    execute_sync(schema, parse("{ one { name } }"), {"one": Item("a", 1)}, executor_class=Counting)
    assert len(_PLAIN) == before + 2  # Query.one (an object: through graphql-core) and Item.name

    del schema
    gc.collect()

    assert len(_PLAIN) == before


def test_a_null_in_a_non_null_field_still_takes_graphql_cores_error_path() -> None:
    result = execute_sync(SCHEMA, parse("{ one { name } }"), {"one": Item(None, 1)}, executor_class=Counting)  # type: ignore[arg-type]

    assert result.data == {"one": None}
    assert [error.message for error in result.errors or []] == [
        "Cannot return null for non-nullable field Item.name."
    ]


async def test_every_subscription_event_gets_its_own_executor_from_build_per_event_executor() -> None:
    Counting.events = 0

    outcome = subscribe(SCHEMA, parse("subscription { item { name } }"), executor_class=Counting)
    stream = await outcome if inspect.isawaitable(outcome) else outcome
    assert not isinstance(stream, ExecutionResult), stream
    results = [result.data async for result in stream]

    assert results == [{"item": {"name": "a"}}, {"item": {"name": "b"}}]
    assert Counting.events == 2


@contextmanager
def _budget(budget: int) -> Iterator[None]:
    before = overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET
    set_overlapping_fields_budget(budget)
    try:
        yield
    finally:
        overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = before


def test_the_overlapping_fields_budget_is_read_as_validation_starts_and_aborts_it() -> None:
    document = parse("{ " + " one { name }" * 40 + " }")  # 40 fields of one name: 780 pairs to compare

    with _budget(2):
        limited = validate(SCHEMA, document)
    with _budget(500_000):
        plenty = validate(SCHEMA, document)

    assert [error.message for error in limited] == ["Validation aborted."]
    assert is_validation_aborted(limited[0])
    assert plenty == []


def test_an_executor_is_freed_by_reference_counting_once_its_execution_is_over() -> None:
    executor = Counting.build(SCHEMA, parse("{ items { name size } }"), root_value={"items": [Item("a", 1)]})
    assert isinstance(executor, Executor)
    freed = weakref.ref(executor)
    gc.disable()
    try:
        result = executor.execute_operation(False)
        del executor
        assert freed() is None, "written for graphql-core 3.3.2: Executor.__init__ sets async_helpers"
    finally:
        gc.enable()
    assert isinstance(result, ExecutionResult) and result.data == {"items": [{"name": "a", "size": 1}]}


def test_graphql_cores_own_executor_is_a_cycle_the_adapter_breaks() -> None:
    executor = Executor.build(SCHEMA, parse("{ one { name } }"))
    assert isinstance(executor, Executor)
    assert executor.async_helpers.track.__self__ is executor  # type: ignore[attr-defined]
    assert set(inspect.signature(Executor.track_async_work).parameters) == {"self", "values"}


async def test_resolvers_still_gather_and_track_through_the_executors_helpers() -> None:
    seen: list[str] = []

    async def later(name: str) -> str:
        seen.append(name)
        return name

    async def resolve_items(_: Any, info: Any) -> list[Item]:
        names = await info.async_helpers.gather([later("a"), later("b")])
        info.async_helpers.track([later("tracked")])
        return [Item(name, None) for name in names]

    SCHEMA.query_type.fields["items"].resolve = resolve_items  # type: ignore[union-attr]
    try:
        executor = Counting.build(SCHEMA, parse("{ items { name } }"))
        assert isinstance(executor, Executor)
        result = await executor.execute_operation(False)  # type: ignore[misc]
    finally:
        SCHEMA.query_type.fields["items"].resolve = None  # type: ignore[union-attr]
    await asyncio.sleep(0.01)

    assert result.data == {"items": [{"name": "a"}, {"name": "b"}]}
    assert sorted(seen) == ["a", "b", "tracked"]


def _cycles_left_by(make: Callable[[], object]) -> int:
    gc.collect()
    gc.disable()
    try:
        made = make()
        del made
        return gc.collect()
    finally:
        gc.enable()


def test_a_parsed_document_is_a_chain_of_reference_cycles_graphql_cores_lexer_links_both_ways() -> None:
    assert _cycles_left_by(lambda: parse('{ one(name: "x") { name } }')) > 0


def test_a_document_with_its_tokens_unlinked_is_freed_by_reference_counting() -> None:
    def unlinked() -> DocumentNode:
        document = parse('{ one(name: "x") { name } }')
        unlink_tokens(document)
        return document

    assert _cycles_left_by(unlinked) == 0


def test_unlinking_counts_the_tokens_as_max_tokens_does_and_keeps_the_chain_walkable() -> None:
    document = parse("{ one { name } }  # a comment")
    assert unlink_tokens(document) == 7
    with pytest.raises(GraphQLSyntaxError):
        parse("{ one { name } }  # a comment", max_tokens=6)
    parse("{ one { name } }  # a comment", max_tokens=7)
    assert document.loc is not None and document.loc.start_token.next is not None
    assert print_ast(document) == "{\n  one {\n    name\n  }\n}"


VARIABLES = build_schema(
    """
    enum Kind { BIG SMALL }
    input Filter { kind: Kind!, min: Int = 1 }
    type Query { echo(text: String, kind: Kind, filter: Filter): String }
    """
)
VARIABLES.query_type.fields["echo"].resolve = lambda _, __, **arguments: repr(sorted(arguments.items()))  # type: ignore[union-attr]
ECHO = parse(
    'query Q($text: String! = "hi", $kind: Kind, $filter: Filter) '
    "{ echo(text: $text, kind: $kind, filter: $filter) }"
)


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"text": "yo", "kind": "BIG", "filter": {"kind": "SMALL"}},
        {"text": None},
        {"kind": "HUGE"},
        {"filter": {"min": 2}},
        {"text": 7, "kind": 3},
    ],
)
def test_variables_are_coerced_with_cached_signatures_exactly_as_without(variables: dict[str, Any]) -> None:
    stock = _values_module().get_variable_signature
    _values_module().get_variable_signature = _stock_signature()
    try:
        expected = [execute_sync(VARIABLES, ECHO, variable_values=variables) for _ in range(2)]
    finally:
        _values_module().get_variable_signature = stock
    cache_variable_signatures()

    got = [execute_sync(VARIABLES, ECHO, variable_values=variables) for _ in range(2)]

    assert [(r.data, [e.formatted for e in r.errors or []]) for r in got] == [
        (r.data, [e.formatted for e in r.errors or []]) for r in expected
    ]


def test_graphql_core_coerces_variables_through_the_module_level_signature_function() -> None:
    calls: list[str] = []
    stock = _values_module().get_variable_signature

    def spy(schema: Any, node: Any) -> Any:
        calls.append(node.variable.name.value)
        return _stock_signature()(schema, node)

    _values_module().get_variable_signature = spy
    try:
        execute_sync(VARIABLES, ECHO, variable_values={"text": "a"})
    finally:
        _values_module().get_variable_signature = stock

    assert calls == ["text", "kind", "filter"], "written for graphql-core 3.3.2"


def test_a_variables_signature_is_computed_once_per_definition_and_goes_with_its_document() -> None:
    cache_variable_signatures()
    gc.collect()
    before = len(_SIGNATURES)
    document = parse("query Q($text: String) { echo(text: $text) }")
    for text in ("a", "b", "c"):
        assert execute_sync(VARIABLES, document, variable_values={"text": text}).data == {
            "echo": f"[('text', '{text}')]"
        }
    assert len(_SIGNATURES) == before + 1

    del document
    gc.collect()

    assert len(_SIGNATURES) == before


def test_a_definition_whose_type_is_unknown_is_an_error_every_time() -> None:
    cache_variable_signatures()
    document = parse("query Q($text: Nope) { echo(text: $text) }")

    results = [execute_sync(VARIABLES, document, variable_values={"text": "a"}) for _ in range(2)]

    for result in results:
        assert result.data is None
        assert [error.message for error in result.errors or []] == [
            "Variable '$text' expected value of type 'Nope' which cannot be used as an input type."
        ]


def _values_module() -> Any:
    from graphql.execution import values

    return values


def _stock_signature() -> Any:
    from graphql.execution.get_variable_signature import get_variable_signature

    return get_variable_signature
