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
