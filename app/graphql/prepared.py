"""Prepared operations: a document that has passed every check before execution runs again
without Strawberry's per-request phases.

Strawberry's ``Schema.execute`` runs nine extensions' hooks over four phases, builds an execution
context and handles the result; for a mutation as small as an append that machinery cost more
than the mutation's resolver (about 230 µs of the 400 an append spent in the GraphQL layer,
in-process, issue 18). But all that those phases decide before execution depends only on the
document's text, the operation's name, the server's settings and whether the caller has a
token: the parse and the validation (``CachedDocuments``), the documents' bounds
(``MaxTokensLimiter``, ``DocumentLimits``), introspection (``Introspection``), the operation
type (``SubscriptionsOverWebSocket``). What depends on the caller, the roles check, runs on every
request either way (``authorize``).

So once a request has passed them all (``PreparedOperations`` sees it reach execution), its
(view, audience, operation) is recorded with the document cache's entry, evicted with it and
counted in its bytes. Later requests of the same run from the record (``run_prepared``): an HTTP
POST (``GraphQLView.serve_prepared``) or a graphql-transport-ws ``subscribe`` of a query or
mutation (``TransportWSHandler.run_operation``). Over HTTP a refusal before execution is the
response's one error; over a WebSocket it is an ``error`` message, as Strawberry answers both.
"""

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from inspect import isawaitable
from time import perf_counter
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.adapters.strawberry import execute_document
from app.graphql.authorization import authorize, checked_fields
from app.graphql.context import Context
from app.graphql.document_cache import DOCUMENTS
from app.graphql.metrics_extension import count_operation, operation_label

PREPARED_TYPES = frozenset({OperationType.QUERY, OperationType.MUTATION})
"""What runs once and answers once: a subscription keeps Strawberry's path."""


@dataclass(frozen=True, slots=True)
class Prepared:
    document: DocumentNode
    kind: str
    """The operation's type, as the metrics label it."""
    label: str
    """The operation's root fields, as the metrics label it."""
    fields: tuple[str, ...]
    """The root fields whose roles every request checks."""


def audience(view: int, anonymous: bool, operation_name: str | None) -> Hashable:
    """Whom a record serves: one view's settings, callers with or without a token, one operation."""
    return (view, anonymous, operation_name)


def anonymous(context: Context) -> bool:
    """No valid token while authentication is on: the callers ``DocumentLimits`` bounds lower."""
    return context.principal is None and not context.services.auth.disabled


def prepared_for(context: Context, query: str, operation_name: str | None) -> Prepared | None:
    """The record that serves ``query``'s operation to this caller, if there is one yet."""
    if context.prepared_view is None:
        return None
    found: Prepared | None = DOCUMENTS.prepared(
        query, audience(context.prepared_view, anonymous(context), operation_name)
    )
    return found


async def run_prepared(
    schema: Schema,
    context: Context,
    prepared: Prepared,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> tuple[ExecutionResult, bool]:
    """The operation's result, and whether it was refused before execution (the roles check, or
    any exception outside graphql-core's field errors), as ``Schema.execute`` and ``stream`` tell."""
    started = perf_counter()
    refused = False
    try:
        authorize(context, prepared.fields)
        outcome = execute_document(
            schema,
            prepared.document,
            root_value=None,  # the views' get_root_value: no root value
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
        )
        if isawaitable(outcome):
            outcome = await outcome
        data, errors = outcome.data, outcome.errors
    except Exception as error:  # as Schema.execute does: the result's one error
        refused = True
        data, errors = (
            None,
            [error if isinstance(error, GraphQLError) else GraphQLError(str(error), original_error=error)],
        )
    if errors:
        schema.process_errors(errors)
    seconds = perf_counter() - started
    count_operation(context.services.metrics, prepared.kind, prepared.label, seconds, errors or ())
    return ExecutionResult(data=data, errors=errors), refused


class PreparedOperations(SchemaExtension):
    """Records a request's operation once every extension before it let it reach execution."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        query, document = execution.query, execution.graphql_document
        if (
            isinstance(context, Context)
            and context.prepared_view is not None
            and isinstance(query, str)
            and document is not None
            and not execution.pre_execution_errors
            and execution.operation_type in PREPARED_TYPES
        ):
            name = execution.operation_name
            record = Prepared(
                document=document,
                kind=execution.operation_type.value,
                label=operation_label(document, name),
                fields=checked_fields(document, name),
            )
            caller = anonymous(context)
            for sent in _names_sent(document, name):
                DOCUMENTS.prepare(query, document, audience(context.prepared_view, caller, sent), record)
        yield


def _names_sent(document: DocumentNode, name: str | None) -> tuple[str | None, ...]:
    """The ``operationName`` values that select operation ``name``: Strawberry reports the only
    operation's name when a request gives none, and no name selects the only operation."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return (name, None) if len(operations) == 1 and name is not None else (name,)
