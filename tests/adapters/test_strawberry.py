"""The Strawberry internals app/adapters/strawberry.py relies on, as of strawberry-graphql 0.341.2.

If one of these fails after upgrading Strawberry, re-read what it names
(strawberry/schema/schema.py, schema_converter.py, the protocol handlers under
strawberry/subscriptions/protocols/, strawberry/http/async_base_view.py) and
adjust the adapter and its users; the behaviour built on them is tested in
tests/graphql and tests/e2e.
"""

import asyncio
import enum
import hashlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from operator import getitem
from typing import Any, ClassVar, get_origin

import pytest
import strawberry
from cross_web import HTTPException
from graphql import GraphQLField, parse
from starlette.testclient import TestClient
from strawberry.asgi import GraphQL
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.schema import schema_converter
from strawberry.schema.config import StrawberryConfig
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.types.arguments import convert_arguments as strawberrys_convert_arguments
from strawberry.types.graphql import OperationType

from app.adapters.strawberry import (
    InvalidOperationTypeError,
    LeanExtensionsRunner,
    Operation,
    StrawberryExecutor,
    StrawberryLegacyWSHandler,
    StrawberryTransportWSHandler,
    TransportConnectionInitMessage,
    UnsetType,
    add_field_extension,
    default_reader,
    execute_document,
    lean_argument_conversion,
)
from tests.adapters.versions import assert_tested
from tests.factories import receive_json

INTERNALS = (
    "the executor, _is_default, the WebSocket handlers and their attributes, get_arguments' convert_arguments"
)

LEGACY_CONNECTION_INIT = "acf753f522e8f4a96f7d5965ae565d7dd308ac24f2f05ee3aa14ba3138d87a64"
"""sha256 of Strawberry's graphql-ws ``handle_connection_init``, which ``app.graphql.ws_protocols`` copies."""


@strawberry.type
class Line:
    text: str

    @strawberry.field
    def shout(self) -> str:
        return self.text.upper()


@strawberry.type
class Query:
    @strawberry.field
    def line(self) -> Line:
        return Line(text="hi")


def _field(schema: strawberry.Schema, type_name: str, name: str) -> GraphQLField:
    field: GraphQLField = schema._schema.type_map[type_name].fields[name]  # type: ignore[attr-defined]
    return field


def test_strawberry_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("strawberry-graphql", ">=0.341.2,<0.342", internals=INTERNALS)


def test_cross_web_is_the_version_strawberry_raises_http_errors_of() -> None:
    assert_tested("cross-web", ">=0.9.0,<0.10", internals="cross_web.HTTPException from Strawberry's views")


def test_the_executor_is_the_one_strawberry_builds_by_default() -> None:
    assert strawberry.Schema(query=Query).execution_context_class is StrawberryExecutor


def test_a_plain_attributes_resolver_is_marked_default_and_read_without_it() -> None:
    schema = strawberry.Schema(query=Query)

    read = default_reader(_field(schema, "Line", "text"))

    assert read is not None
    assert read(Line(text="direct")) == "direct"
    assert default_reader(_field(schema, "Line", "shout")) is None
    assert default_reader(_field(schema, "Query", "line")) is None


def test_a_custom_default_resolver_is_still_called_by_the_reader() -> None:
    schema = strawberry.Schema(query=Query, config=StrawberryConfig(default_resolver=getitem))

    read = default_reader(_field(schema, "Line", "text"))

    assert read is not None
    assert read({"text": "from a dict"}) == "from a dict"


def test_the_views_take_the_protocol_handlers_as_class_attributes() -> None:
    transport = get_origin(GraphQL.graphql_transport_ws_handler_class)
    legacy = get_origin(GraphQL.graphql_ws_handler_class)

    assert transport is not None and issubclass(StrawberryTransportWSHandler, transport)
    assert legacy is not None and issubclass(StrawberryLegacyWSHandler, legacy)


def test_the_view_keeps_the_init_timeout_the_legacy_handler_reads() -> None:
    view = GraphQL(strawberry.Schema(query=Query), connection_init_wait_timeout=timedelta(seconds=3))

    assert view.connection_init_wait_timeout == timedelta(seconds=3)


def _coroutines(handler: type, *names: str) -> list[str]:
    return [name for name in names if not inspect.iscoroutinefunction(getattr(handler, name, None))]


def test_the_transport_handler_has_what_the_subclasses_override_and_read() -> None:
    parameters = list(inspect.signature(StrawberryTransportWSHandler.__init__).parameters)
    view, websocket, context = object(), object(), object()

    handler = StrawberryTransportWSHandler(view, websocket, context, None, object(), timedelta(1), 3)  # type: ignore[arg-type]

    assert parameters[:8] == [
        "self",
        "view",
        "websocket",
        "context",
        "root_value",
        "schema",
        "connection_init_wait_timeout",
        "max_subscriptions_per_connection",
    ]
    assert (handler.view, handler.websocket, handler.context) == (view, websocket, context)
    assert (handler.operations, handler.connection_acknowledged) == ({}, False)
    assert handler.max_subscriptions_per_connection == 3
    methods = ("handle", "handle_connection_init", "handle_subscribe", "send_message", "shutdown")
    assert _coroutines(StrawberryTransportWSHandler, *methods) == []


def test_run_operation_is_each_operations_own_coroutine_and_operation_keeps_its_id() -> None:
    """The fast path (``app.graphql.sharing``) overrides ``run_operation`` to learn, in the
    operation's own task, which socket and operation id its frames go to."""
    parameters = list(inspect.signature(StrawberryTransportWSHandler.run_operation).parameters)

    assert parameters == ["self", "operation"]
    assert inspect.iscoroutinefunction(StrawberryTransportWSHandler.run_operation)
    assert "id" in Operation.__slots__
    assert "run_operation(operation)" in inspect.getsource(StrawberryTransportWSHandler.handle_subscribe)


def test_the_legacy_handler_has_what_the_subclass_overrides_and_reads() -> None:
    parameters = list(inspect.signature(StrawberryLegacyWSHandler.__init__).parameters)
    view, websocket, context = object(), object(), object()

    handler = StrawberryLegacyWSHandler(view, websocket, context, None, object(), True, 1.0, 3)  # type: ignore[arg-type]

    assert parameters[:9] == [
        "self",
        "view",
        "websocket",
        "context",
        "root_value",
        "schema",
        "keep_alive",
        "keep_alive_interval",
        "max_subscriptions_per_connection",
    ]
    assert (handler.view, handler.websocket, handler.context) == (view, websocket, context)
    assert (handler.tasks, handler.keep_alive, handler.keep_alive_task) == ({}, True, None)
    assert (handler.connection_acknowledged, handler.max_subscriptions_per_connection) == (False, 3)
    methods = ("handle", "handle_connection_init", "handle_start", "send_message", "handle_keep_alive")
    assert _coroutines(StrawberryLegacyWSHandler, *methods) == []


def test_strawberrys_legacy_connection_init_is_still_the_one_ws_protocols_copies() -> None:
    source = inspect.getsource(StrawberryLegacyWSHandler.handle_connection_init)

    assert hashlib.sha256(source.encode()).hexdigest() == LEGACY_CONNECTION_INIT, (
        "Strawberry changed graphql-ws handle_connection_init: compare it with "
        "app.graphql.ws_protocols.LegacyWSHandler.handle_connection_init, carry the change over, "
        "and record the new hash here"
    )


def test_on_ws_connect_acknowledges_with_unset_by_default() -> None:
    returned = inspect.signature(GraphQL.on_ws_connect).return_annotation

    assert "UnsetType" in str(returned)
    assert isinstance(strawberry.UNSET, UnsetType)


def test_the_init_timeout_task_is_made_on_accept_cancelled_on_init_and_awaited_only_when_set() -> None:
    """``StrawberryTransportWSHandler.handle_connection_init`` drops the cancelled task."""
    assert "self.connection_init_timeout_task = asyncio.create_task(" in inspect.getsource(
        BaseGraphQLTransportWSHandler.on_request_accepted
    )
    init = inspect.getsource(BaseGraphQLTransportWSHandler.handle_connection_init)
    assert init.index("if self.connection_timed_out:") < init.index(
        "self.connection_init_timeout_task.cancel()"
    )
    shutdown = inspect.getsource(BaseGraphQLTransportWSHandler.shutdown)
    assert "if self.connection_init_timeout_task:" in shutdown


class _Greeting(StrawberryTransportWSHandler):
    initialised: ClassVar["list[_Greeting]"] = []

    async def handle_connection_init(self, message: TransportConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        self.initialised.append(self)
        await self.send_text('{"type":"ping","payload":{"encoded":"once"}}')


class _GreetingView(GraphQL[None, None]):
    graphql_transport_ws_handler_class = _Greeting


def test_an_initialised_connection_holds_no_init_timeout_task() -> None:
    client = TestClient(_GreetingView(strawberry.Schema(query=Query)))
    _Greeting.initialised.clear()

    with client.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as websocket:
        websocket.send_json({"type": "connection_init"})
        websocket.receive_json()
        (handler,) = _Greeting.initialised

        assert handler.connection_acknowledged
        assert handler.connection_init_timeout_task is None


def test_send_text_writes_a_frame_as_given_on_the_websocket() -> None:
    client = TestClient(_GreetingView(strawberry.Schema(query=Query)))  # the view has no lifespan

    with client.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as websocket:
        websocket.send_json({"type": "connection_init"})

        assert receive_json(websocket, "connection_ack") == {"type": "connection_ack"}
        assert websocket.receive_text() == '{"type":"ping","payload":{"encoded":"once"}}'


class _RefusesEverything(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        raise InvalidOperationTypeError(OperationType.SUBSCRIPTION)


def test_an_invalid_operation_type_raised_while_validating_is_a_400() -> None:
    schema = strawberry.Schema(query=Query, extensions=[_RefusesEverything])

    response = TestClient(GraphQL(schema)).post("/", json={"query": "{ line { text } }"})

    assert response.status_code == 400
    assert "subscriptions are not allowed when using POST" in response.text


class _Picky(GraphQL[None, None]):
    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)
        if value.get("query") == "{ refused }":
            raise HTTPException(400, "refused while parsing")
        return value


def test_the_body_is_decoded_by_parse_json_whose_http_errors_leave_run() -> None:
    client = TestClient(_Picky(strawberry.Schema(query=Query)))

    refused = client.post("/", json={"query": "{ refused }"})
    accepted = client.post("/", json={"query": "{ line { text } }"})

    assert (refused.status_code, refused.text) == (400, "refused while parsing")
    assert accepted.json() == {"data": {"line": {"text": "hi"}}}


class _Loud(FieldExtension):
    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


def test_a_field_extension_added_after_definition_applies_once() -> None:
    @strawberry.type
    class Greetings:
        hello: str = "hello"
        bye: str = "bye"

    @strawberry.type
    class Root:
        @strawberry.field
        def greetings(self) -> Greetings:
            return Greetings()

    add_field_extension(Greetings, _Loud, _Loud)
    add_field_extension(Greetings, _Loud, _Loud)
    result = strawberry.Schema(query=Root).execute_sync("{ greetings { hello bye } }")

    assert result.errors is None
    assert result.data == {"greetings": {"hello": "HELLO", "bye": "BYE"}}
    definition = strawberry.types.get_object_definition(Greetings, strict=True)
    assert [len(field.extensions) for field in definition.fields] == [1, 1]


class _Recorder(SchemaExtension):
    """Generator and async generator hooks, each noting when it enters and exits and what it saw."""

    seen: list[str]

    def on_operation(self) -> Iterator[None]:
        self.seen.append("operation in")
        yield
        self.seen.append("operation out")

    def on_parse(self) -> Iterator[None]:
        self.seen.append("parse in")
        yield
        self.seen.append("parse out")

    def on_validate(self) -> Iterator[None]:
        self.seen.append("validate in")
        yield
        self.seen.append("validate out")

    async def on_execute(self) -> AsyncIterator[None]:
        self.seen.append("execute in")
        try:
            yield
        except Exception as error:
            self.seen.append(f"execute raised {type(error).__name__}")
            raise
        self.seen.append("execute out")


class _Second(_Recorder):
    def on_parse(self) -> Iterator[None]:
        self.seen.append("second parse in")
        yield
        self.seen.append("second parse out")


def _hooks_seen(schema_class: type[strawberry.Schema]) -> list[str]:
    seen: list[str] = []

    class First(_Recorder):
        pass

    First.seen = seen
    _Second.seen = seen

    @strawberry.type
    class Query:
        @strawberry.field
        def ok(self) -> bool:
            return True

    schema = schema_class(query=Query, extensions=[First, _Second])
    result = asyncio.run(schema.execute("{ ok }"))
    assert result.errors is None
    return seen


def test_the_extensions_runner_builds_the_hook_context_managers_strawberry_does() -> None:
    from strawberry.extensions import context
    from strawberry.extensions.runner import SchemaExtensionsRunner

    runner_methods = ("operation", "validation", "parsing", "executing")
    assert all(callable(getattr(SchemaExtensionsRunner, name)) for name in runner_methods)
    assert "create_extensions_runner" in vars(strawberry.Schema)
    base = context.ExtensionContextManagerBase
    assert callable(base.get_hook) and context.WrappedHook._fields == ("extension", "hook", "is_async")
    for manager in (
        context.OperationContextManager,
        context.ValidationContextManager,
        context.ParsingContextManager,
        context.ExecutingContextManager,
    ):
        assert manager.HOOK_NAME.startswith("on_") and issubclass(manager, base)


def test_the_lean_runner_enters_and_leaves_every_hook_as_strawberrys_does() -> None:
    class Lean(strawberry.Schema):
        def create_extensions_runner(self, execution_context: Any, extensions: Any) -> Any:
            return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)

    assert _hooks_seen(Lean) == _hooks_seen(strawberry.Schema)
    assert "second parse in" in _hooks_seen(Lean)


class _Tracing(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


async def test_execute_document_gives_graphql_core_what_schema_execute_does() -> None:
    class Executor(StrawberryExecutor):
        built = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            Executor.built += 1
            super().__init__(*args, **kwargs)

    @strawberry.type
    class Echoes:
        @strawberry.field
        def echo(self, info: strawberry.Info, n: int) -> str:
            return f"{n} for {info.context['who']}"

        @strawberry.field
        async def later(self) -> Line:
            return Line(text="then")

    schema = strawberry.Schema(query=Echoes, execution_context_class=Executor)
    query = "query Q($n: Int!) { echo(n: $n) later { shout } } query R { later { text } }"
    context = {"who": "ada"}

    strawberrys = await schema.execute(
        query, variable_values={"n": 1}, context_value=context, operation_name="Q"
    )
    ours = execute_document(
        schema,
        parse(query),
        root_value=None,
        context_value=context,
        variable_values={"n": 1},
        operation_name="Q",
    )
    if inspect.isawaitable(ours):
        ours = await ours

    assert ours.data == strawberrys.data == {"echo": "1 for ada", "later": {"shout": "THEN"}}
    assert ours.errors is strawberrys.errors is None
    assert Executor.built == 2


def test_execute_document_refuses_a_schema_whose_extensions_are_middleware() -> None:
    schema = strawberry.Schema(query=Query, extensions=[_Tracing])

    with pytest.raises(TypeError, match="implements resolve"):
        execute_document(
            schema,
            parse("{ line { text } }"),
            root_value=None,
            context_value={},
            variable_values=None,
            operation_name=None,
        )


def test_the_apps_schema_has_no_middleware_extension() -> None:
    """The prepared operations (app.graphql.prepared) run without Strawberry's middleware."""
    from app.graphql.schema import schema

    assert not any(extension._implements_resolve() for extension in schema.get_extensions())


@strawberry.enum
class Mood(enum.Enum):
    CALM = "calm"
    CROSS = "cross"


@strawberry.input
class Note:
    text: str
    mood: Mood | None = None


@strawberry.type
class Arguments:
    @strawberry.field
    def leaves(self, name: str, count: int, mood: Mood, maybe_mood: Mood | None = None) -> str:
        return f"{name} {count} {mood.value} {maybe_mood.value if maybe_mood else '-'}"

    @strawberry.field
    def nested(self, note: Note, tags: list[str], maybe: strawberry.Maybe[str] = None) -> str:
        return f"{note.text} {note.mood} {tags} {maybe}"

    @strawberry.field
    def maybe(self, name: str, maybe: strawberry.Maybe[str] = None) -> str:
        return f"{name} {maybe}"

    @strawberry.field
    def node(self, id: strawberry.relay.GlobalID) -> str:
        return f"{id.type_name}:{id.node_id}"


def test_get_arguments_converts_through_the_module_global_the_lean_conversion_replaces() -> None:
    assert "convert_arguments(" in inspect.getsource(schema_converter.get_arguments)
    lean_argument_conversion()
    assert getattr(schema_converter.convert_arguments, "lean", False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("leaves", {"name": "ada", "count": 2, "mood": Mood.CALM, "maybeMood": None}),
        ("leaves", {"name": "ada", "count": 2, "mood": Mood.CROSS}),
        ("nested", {"note": {"text": "hi", "mood": Mood.CALM}, "tags": ["a"], "maybe": "m"}),
        ("nested", {"note": {"text": "hi"}, "tags": []}),
        ("maybe", {"name": "ada", "maybe": "m"}),
        ("node", {"id": "TGluZToy"}),
    ],
)
def test_the_lean_conversion_gives_what_strawberrys_does(field: str, value: dict[str, Any]) -> None:
    lean_argument_conversion()
    schema = strawberry.Schema(query=Arguments)
    arguments = _field(schema, "Arguments", field).extensions["strawberry-definition"].arguments
    registry, config = schema.schema_converter.scalar_registry, schema.config

    ours = schema_converter.convert_arguments(value, arguments, registry, config)

    assert ours == strawberrys_convert_arguments(value, arguments, registry, config)


def test_a_schema_answers_leaf_and_other_arguments_with_the_lean_conversion() -> None:
    lean_argument_conversion()
    schema = strawberry.Schema(query=Arguments)

    result = schema.execute_sync(
        '{ leaves(name: "ada", count: 2, mood: CALM) nested(note: {text: "hi"}, tags: ["a"], maybe: "m") '
        'maybe(name: "ada", maybe: "m") node(id: "TGluZToy") }'
    )

    assert result.errors is None
    assert result.data == {
        "leaves": "ada 2 calm -",
        "nested": "hi None ['a'] Some('m')",
        "maybe": "ada Some('m')",
        "node": "Line:2",
    }
