"""A Strawberry extension that feeds ``app.ops.metrics``: operations, errors, latency, live streams.

Operations are labelled by their root field names (``addTranscriptEntry``),
never by the client's free-form operation name, so the number of series stays
bounded by the schema. A document that does not parse or validate is labelled
``(invalid)``: its field names could be anything.
"""

from collections.abc import Iterable, Iterator
from time import perf_counter

from graphql import DocumentNode, FieldNode, GraphQLError, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.graphql.context import Context
from app.ops.metrics import Metrics
from app.ops.request_context import current_request

INVALID = "(invalid)"


class MetricsExtension(SchemaExtension):
    _valid = False
    _streaming: str | None = None

    def on_validate(self) -> Iterator[None]:
        yield
        self._valid = not self.execution_context.pre_execution_errors

    def on_execute(self) -> Iterator[None]:
        # For a subscription this wraps only the stream's creation; on_operation spans its life.
        metrics = self._metrics()
        if metrics is not None and self._type() == "subscription":
            self._streaming = self._operation()
            metrics.active_subscriptions.labels(self._streaming).inc()
        yield

    def on_operation(self) -> Iterator[None]:
        metrics = self._metrics()
        if metrics is None:
            yield
            return
        started = perf_counter()
        try:
            yield
        finally:
            self._count(metrics, perf_counter() - started)

    def _count(self, metrics: Metrics, seconds: float) -> None:
        if self._streaming is not None:
            metrics.active_subscriptions.labels(self._streaming).dec()
        # For a subscription these are the errors of its last result: the ones that ended it.
        errors = self.execution_context.pre_execution_errors or ()
        count_operation(metrics, self._type(), self._operation(), seconds, errors)

    def _metrics(self) -> Metrics | None:
        context = self.execution_context.context
        return context.services.metrics if isinstance(context, Context) else None

    def _type(self) -> str:
        try:
            kind: OperationType = self.execution_context.operation_type
        except Exception:  # no document, or no operation of the requested name
            return "unknown"
        return kind.value

    def _operation(self) -> str:
        document = self.execution_context.graphql_document
        if not self._valid or document is None:
            return INVALID
        return operation_label(document, self.execution_context.operation_name)


def operation_label(document: DocumentNode, operation_name: str | None) -> str:
    """A valid document's operation, labelled by its root fields."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return INVALID
    names = {
        node.name.value if isinstance(node, FieldNode) else "(fragment)"
        for node in operation.selection_set.selections
    }
    return ",".join(sorted(names))


def count_operation(
    metrics: Metrics, kind: str, operation: str, seconds: float, errors: Iterable[GraphQLError]
) -> None:
    """One finished operation, over either path (Strawberry's, or a prepared one)."""
    metrics.operation_done(kind, operation, seconds)
    for error in errors:
        metrics.errors.labels(kind, operation, _code(error)).inc()
    request = current_request()
    if request is not None and kind != "subscription":
        request.operation = operation


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else "UNKNOWN"
