"""Subscriptions are served over WebSocket; over HTTP they are a 400, not a crash.

Strawberry allows subscription operations over HTTP GET and POST for its
multipart streaming protocol, which this endpoint does not offer: the
operation then ran as a query and failed as an INTERNAL_SERVER_ERROR ("Cannot
return null for non-nullable field Subscription.liveCalls"). Raising
Strawberry's InvalidOperationTypeError here, once the document is parsed, is
what it does itself for an operation type a method may not carry: the view
answers 400 BAD_REQUEST "subscriptions are not allowed when using POST".
"""

from collections.abc import Iterator

from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.adapters.strawberry import InvalidOperationTypeError
from app.graphql.context import Context


class SubscriptionsOverWebSocket(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        over_http = isinstance(context, Context) and not isinstance(context.request, WebSocket)
        if over_http and execution.operation_type is OperationType.SUBSCRIPTION:
            raise InvalidOperationTypeError(OperationType.SUBSCRIPTION)
        yield
