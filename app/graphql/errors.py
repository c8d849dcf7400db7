"""Every error leaves with an ``extensions.code``; unexpected ones leave without internals."""

import logging

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from app.adapters.strawberry import InvalidOperationTypeError, LeanExtensionsRunner
from app.core.errors import ServiceError

log = logging.getLogger("app.graphql")

UNEXPECTED = "Unexpected server error; it has been logged."


def classify(error: GraphQLError) -> None:
    """Give ``error`` a code in place, masking anything that is not the client's doing."""
    original = error.original_error
    if isinstance(original, ServiceError):
        error.extensions = {**(error.extensions or {}), **original.extensions}
        return
    if isinstance(original, InvalidOperationTypeError):  # an operation on a transport that can't run it
        kind = original.operation_type.value
        error.message = (
            "subscriptions run over a WebSocket (graphql-transport-ws or graphql-ws), not HTTP"
            if kind == "subscription"
            else f"graphql-ws runs subscriptions only: send the {kind} over HTTP or graphql-transport-ws"
        )
        error.extensions = {"code": "BAD_REQUEST"}
        return
    if original is not None and not isinstance(original, GraphQLError):
        log.error("unexpected error at %s", error.path, exc_info=original)
        error.message = UNEXPECTED
        error.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return
    if error.extensions and "code" in error.extensions:
        return
    if error.message.startswith("Syntax Error"):
        code = "GRAPHQL_PARSE_FAILED"
    elif error.message.startswith("Variable '$"):
        code = "BAD_USER_INPUT"
    else:
        code = "GRAPHQL_VALIDATION_FAILED"
    error.extensions = {**(error.extensions or {}), "code": code}


def forget_traceback(error: BaseException) -> None:
    """Drop the tracebacks of a logged error and of the errors behind it.

    A traceback holds every frame the error passed through, one of them Strawberry's holding
    the operation's execution context, which holds the error: a reference cycle, and with it
    the request's text, freed only by a full collection. A refused 900 KB document left
    1.8 MB that way (test_under_attack).
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        todo.extend((current.__cause__, current.__context__))
        if isinstance(current, GraphQLError):
            todo.append(current.original_error)


class CodedSchema(Schema):
    """A Strawberry schema whose errors all carry ``extensions.code``."""

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        """Strawberry's runner, minus re-wrapping every hook on every request (the adapter)."""
        return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            classify(error)
            code = (error.extensions or {}).get("code")
            if code != "INTERNAL_SERVER_ERROR":
                log.info("client error: %s (%s)", error.message, code)
            forget_traceback(error)
