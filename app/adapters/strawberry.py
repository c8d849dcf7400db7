"""strawberry-graphql internals: its executor, its resolvers' marks, its WebSocket handlers.

Written for strawberry-graphql 0.341.2 (tested range in ``pyproject.toml``).
Strawberry documents schemas, extensions, views and a few ``StrawberryField``
attributes (``type``, ``python_name``, ``arguments``); everything here is
beyond that:

- ``StrawberryExecutor``: ``strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext``,
  the executor Strawberry builds when ``Schema(execution_context_class=...)``
  is not given. Ours subclass it so Strawberry's resolve-info stays.
- ``default_reader``: whether a graphql-core field's resolver is Strawberry's
  default one (the ``_is_default`` mark its schema converter sets, as
  ``strawberry.resolvers.is_default_resolver`` reads it), and what that
  resolver reads: the ``"strawberry-definition"`` extension of the field is its
  ``StrawberryField``, whose ``default_resolver`` is ``getattr`` of
  ``python_name`` unless the schema's config says otherwise.
- ``StrawberryTransportWSHandler`` and ``StrawberryLegacyWSHandler``: the protocol handlers of
  ``strawberry.subscriptions.protocols.graphql_transport_ws.handlers`` and
  ``...graphql_ws.handlers``, which a view takes as ``graphql_transport_ws_handler_class``
  and ``graphql_ws_handler_class`` (class attributes, undocumented). The app's
  subclasses (``app.graphql.keepalive``, ``sharing``, ``ws_protocols``) override
  ``handle``, ``handle_connection_init``, ``handle_subscribe``, ``handle_start``,
  ``run_operation`` (run in the operation's own task; ``Operation.id`` names it),
  ``send_message`` and ``shutdown``, and read ``view``, ``context``,
  ``websocket``, ``connection_acknowledged``, ``max_subscriptions_per_connection``,
  ``operations`` (graphql-transport-ws), ``tasks``, ``keep_alive``,
  ``keep_alive_task`` and ``handle_keep_alive`` (graphql-ws), and the view's
  ``connection_init_wait_timeout``. ``LegacyWSHandler.handle_connection_init``
  in ``ws_protocols`` is a copy of Strawberry's with other close codes.
  ``StrawberryTransportWSHandler.send_text`` writes a frame already encoded on the
  Starlette WebSocket under Strawberry's ASGI adapter (its ``ws`` attribute).
  ``StrawberryTransportWSHandler.handle_connection_init`` lets go of the cancelled
  ``connection_init_timeout_task`` (made by ``on_request_accepted``, cancelled by
  ``handle_connection_init`` unless ``connection_timed_out``, awaited by ``shutdown`` only
  when set).
- The protocols' message types (``...protocols.*.types``), and ``UnsetType``
  (``strawberry.types.unset``, which exports only ``UNSET``): what
  ``on_ws_connect`` returns when it acknowledges without a payload.
- ``InvalidOperationTypeError`` (``strawberry.schema.exceptions``): raised by
  an extension while validating, the views answer it with a 400, as for an
  operation type the HTTP method may not carry.
- ``parse_json``: the view method that decodes a request body (and GET
  ``variables``), which ``app.graphql.view`` overrides to refuse JSON that is
  no object; a ``cross_web.HTTPException`` raised there leaves ``run`` as is.
- ``LeanExtensionsRunner``: ``strawberry.extensions.runner.SchemaExtensionsRunner`` and the
  hook context managers of ``strawberry.extensions.context`` (``get_hook``, ``HOOK_NAME``,
  ``WrappedHook``), which ``Schema.create_extensions_runner`` builds for every operation.
  Strawberry wraps each extension's generator hook in ``contextlib.contextmanager`` anew at
  every phase of every request (``functools.wraps`` and all); ours wraps each hook function
  once per extension class and binds it per request, with the same enter and exit order.
- ``add_field_extension``: appends to ``StrawberryField.extensions`` of every
  field of a type after it is defined (not among the stable attributes).
- ``execute_document``: what ``Schema.execute`` hands graphql-core once its extensions have run
  (``Schema._schema``, ``_get_execute_function``, ``execution_context_class``,
  ``strawberry.execution.optimized_is_awaitable``, no middleware when no extension implements
  ``resolve``), for a document the app has prepared (``app.graphql.prepared``).

- ``lean_argument_conversion``: replaces the module global ``convert_arguments`` of
  ``strawberry.schema.schema_converter``, which its ``get_arguments`` calls for every resolver
  call, by one that hands a field whose arguments are all scalars and enums its values as
  graphql-core coerced them (what ``strawberry.types.arguments.convert_argument`` returns for
  those), and every other field to Strawberry's own. It reads ``StrawberryArgument.type``,
  ``StrawberryMaybe`` and ``StrawberryOptional`` (``strawberry.types.base``) and ``is_scalar``.

``tests/adapters/test_strawberry.py`` checks each of these.
"""

import contextlib
import inspect
import weakref
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any, TypeVar

from graphql import DocumentNode, ExecutionResult, GraphQLField
from graphql.pyutils import AwaitableOrValue
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry import Schema
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema import schema_converter
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as StrawberryExecutor
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage as TransportConnectionInitMessage,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message as TransportMessage,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import PingMessage, SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyConnectionInitMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types import get_object_definition
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.unset import UnsetType

from app.adapters.uvicorn import text_sender_now

__all__ = [
    "InvalidOperationTypeError",
    "LeanExtensionsRunner",
    "LegacyConnectionInitMessage",
    "Operation",
    "PingMessage",
    "StartMessage",
    "StrawberryExecutor",
    "StrawberryLegacyWSHandler",
    "StrawberryTransportWSHandler",
    "SubscribeMessage",
    "TransportConnectionInitMessage",
    "TransportMessage",
    "UnsetType",
    "add_field_extension",
    "default_reader",
    "execute_document",
    "lean_argument_conversion",
]

T = TypeVar("T")


def default_reader(field: GraphQLField) -> Callable[[Any], Any] | None:
    """What ``field``'s resolver reads off its source, if it is Strawberry's default resolver."""
    resolve = field.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get("strawberry-definition")
    if definition is not None and definition.default_resolver is getattr:
        # What Strawberry's default resolver does, without its two calls in between.
        return attrgetter(definition.python_name)
    return lambda source: resolve(source, None)


_MIDDLEWARE: "weakref.WeakKeyDictionary[Schema, bool]" = weakref.WeakKeyDictionary()


def _with_middleware(schema: Schema) -> bool:
    known = _MIDDLEWARE.get(schema)
    if known is None:
        known = _MIDDLEWARE[schema] = any(e._implements_resolve() for e in schema.get_extensions())
    return known


def execute_document(
    schema: Schema,
    document: DocumentNode,
    *,
    root_value: Any,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_name: str | None,
) -> AwaitableOrValue[ExecutionResult]:
    """graphql-core's execution of ``document`` with the arguments ``Schema.execute`` gives it.

    Refuses a schema with an extension implementing ``resolve``: Strawberry would pass those
    as graphql-core middleware, and this call passes none.
    """
    if _with_middleware(schema):
        raise TypeError("an extension implements resolve: run the operation through Schema.execute")
    execute: Callable[..., AwaitableOrValue[ExecutionResult]] = schema._get_execute_function()
    return execute(
        schema._schema,
        document,
        root_value=root_value,
        context_value=context_value,
        variable_values=variable_values,
        operation_name=operation_name,
        is_awaitable=optimized_is_awaitable,
        executor_class=schema.execution_context_class,
        operation_extensions=None,
    )


class StrawberryTransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """Strawberry's graphql-transport-ws handler, and a way to send a frame already encoded."""

    async def handle_connection_init(self, message: TransportConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if not self.connection_timed_out:
            # Strawberry cancelled the init timeout, and keeps the task for the socket's life: a
            # cancelled task holds its CancelledError, the traceback and the frames it ran in
            # (about 1 KB an idle socket). The loop finishes the cancellation without us.
            self.connection_init_timeout_task = None

    def text_sender_now(self) -> Callable[[str], bool] | None:
        """The socket's ``send_text_now`` (``app.adapters.uvicorn``), when its server has one."""
        websocket: WebSocket = self.websocket.ws  # type: ignore[attr-defined]
        return text_sender_now(websocket.scope)

    async def send_text(self, text: str) -> None:
        websocket: WebSocket = self.websocket.ws  # type: ignore[attr-defined]
        try:
            await websocket.send_text(text)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


class StrawberryLegacyWSHandler(BaseGraphQLWSHandler[Any, None]):
    """Strawberry's graphql-ws handler."""


def add_field_extension(
    strawberry_type: T, make: Callable[[], FieldExtension], kind: type[FieldExtension]
) -> T:
    """Give every field of a Strawberry type ``make()``, unless it already has a ``kind`` extension."""
    for field in get_object_definition(strawberry_type, strict=True).fields:
        if not any(isinstance(extension, kind) for extension in field.extensions):
            field.extensions.append(make())
    return strawberry_type


_NO_HOOK = object()
_STRAWBERRYS = object()
_hooks: dict[tuple[type, str], Any] = {}


def _hook_factory(extension_class: type, name: str) -> Any:
    hook = getattr(extension_class, name)
    if hook is getattr(SchemaExtension, name):
        return _NO_HOOK
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    return _STRAWBERRYS  # a plain callable: Strawberry's own wrapping


class _OncePerClass(ExtensionContextManagerBase):
    __slots__ = ()

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        key = (type(extension), self.HOOK_NAME)
        found = _hooks.get(key)
        if found is None:
            found = _hooks[key] = _hook_factory(type(extension), self.HOOK_NAME)
        if found is _NO_HOOK:
            return None
        if found is _STRAWBERRYS:
            return super().get_hook(extension)
        factory, is_async = found
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class _Operation(_OncePerClass, OperationContextManager):
    __slots__ = ()


class _Validation(_OncePerClass, ValidationContextManager):
    __slots__ = ()


class _Parsing(_OncePerClass, ParsingContextManager):
    __slots__ = ()


class _Executing(_OncePerClass, ExecutingContextManager):
    __slots__ = ()


class LeanExtensionsRunner(SchemaExtensionsRunner):
    """Strawberry's runner, with each hook wrapped once per extension class."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)


_LeafPlan = tuple[tuple[str, str], ...]
"""(GraphQL name, Python name) of every argument of a field whose arguments are all leaves."""


def _is_leaf(argument: StrawberryArgument, scalar_registry: Any) -> bool:
    """What ``convert_argument`` hands back unchanged: a scalar or an enum, or an optional one
    (not a ``Maybe``, which it wraps in ``Some``; not a ``GlobalID``, which it decodes)."""
    kind = argument.type
    if isinstance(kind, StrawberryMaybe):
        return False
    if isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    if kind is GlobalID:
        return False
    return isinstance(kind, StrawberryEnumDefinition) or is_scalar(kind, scalar_registry)


def lean_argument_conversion() -> None:
    """Strawberry converts every argument of every resolver call through ``convert_argument``,
    which asks each argument's annotation its type again and runs isinstance checks against a
    dozen kinds: 15 µs for ``addTranscriptEntry``'s nine scalars and enums, where the converted
    value is the value graphql-core coerced. This replaces ``convert_arguments`` where
    ``get_arguments`` (``strawberry.schema.schema_converter``) calls it: for a field whose
    arguments are all leaves (``_is_leaf``), its names, worked out once, pick the values;
    any other field goes through Strawberry's own. Idempotent."""
    original = schema_converter.convert_arguments  # type: ignore[attr-defined]
    if getattr(original, "lean", False):
        return
    plans: dict[int, tuple[object, object, object, _LeafPlan | None]] = {}

    def convert_arguments(
        value: dict[str, Any],
        arguments: list[StrawberryArgument],
        scalar_registry: Any,
        config: StrawberryConfig,
        info: Any = None,
    ) -> dict[str, Any]:
        known = plans.get(id(arguments))
        if (
            known is None
            or known[0] is not arguments
            or known[1] is not config
            or known[2] is not scalar_registry
        ):
            plan: _LeafPlan | None = None
            if all(_is_leaf(argument, scalar_registry) for argument in arguments):
                plan = tuple(
                    (config.name_converter.from_argument(argument), argument.python_name or "")
                    for argument in arguments
                )
            known = plans[id(arguments)] = (arguments, config, scalar_registry, plan)
        leaves = known[3]
        if leaves is None:
            return original(value, arguments, scalar_registry, config, info)
        return {python: value[name] for name, python in leaves if name in value}

    convert_arguments.lean = True  # type: ignore[attr-defined]
    schema_converter.convert_arguments = convert_arguments  # type: ignore[attr-defined]
