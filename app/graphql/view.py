"""The GraphQL endpoint: HTTP, both WebSocket protocols and GraphiQL on one path."""

import json
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from app.auth.errors import Unauthenticated
from app.core.config import Settings
from app.graphql.context import Context
from app.graphql.document_cache import DOCUMENTS
from app.graphql.http_errors import BodyTooLarge, error_response, limited
from app.graphql.keepalive import Pinger
from app.graphql.schema import schema
from app.graphql.sharing import SharedResults
from app.graphql.ws_protocols import LegacyWSHandler, TransportWSHandler
from app.services import Services


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler
    max_body_bytes = 1_048_576
    pinger: Pinger | None = None
    shared_results: SharedResults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=limited(receive, self.max_body_bytes))
        too_large = f"request body is larger than {self.max_body_bytes} bytes"
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            response: Response = error_response(413, too_large)
        else:
            try:
                response = await self.run(request)
            except HTTPException as error:
                response = error_response(error.status_code, error.reason)
            except BodyTooLarge:
                response = error_response(413, too_large)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body (or GET ``variables``) that is JSON but no object is a 400, not a 500.

        Strawberry calls ``.get`` on whatever the body decoded to; a list is its batch,
        which it refuses with a 400 itself.
        """
        value = super().parse_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(400, f"expected a JSON object, got {json.dumps(value)[:20]}")
        return value

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        services: Services = request.app.state.services
        context = Context(
            services=services,
            request=request,
            shared_results=self.shared_results,
            response=response if isinstance(response, Response) else None,
        )
        if isinstance(request, Request) and not services.auth.disabled:
            try:
                context.principal = services.auth.verify_header(request.headers.get("authorization"))
            except Unauthenticated as error:
                context.auth_error = error
        return context

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a WebSocket once, from the ``connection_init`` payload.

        Accepted: ``{"Authorization": "Bearer <token>"}`` (what GraphiQL's headers
        editor sends) or ``{"token": "<token>"}``. A missing or bad token closes
        the socket with 4403 (on graphql-ws after a ``connection_error`` message).
        """
        auth = context.services.auth
        if auth.disabled:
            return
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        token = params.get("token")
        try:
            if isinstance(header, str):
                context.principal = auth.verify_header(header)
            elif isinstance(token, str):
                context.principal = auth.verify(token)
            else:
                raise Unauthenticated("connection_init must carry Authorization: Bearer <token>")
        except Unauthenticated as error:
            raise ConnectionRejectionError(
                {"message": error.message, "extensions": {"code": error.code}}
            ) from error


def graphql_view(settings: Settings) -> GraphQLView:
    view = GraphQLView(
        schema,
        graphql_ide="graphiql",
        keep_alive=settings.keep_alive_interval > 0,
        keep_alive_interval=settings.keep_alive_interval,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        connection_init_wait_timeout=timedelta(seconds=settings.connection_init_timeout),
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        allowed_origins=settings.graphql_allowed_origins,
    )
    view.max_body_bytes = settings.max_body_bytes
    view.shared_results = SharedResults()
    DOCUMENTS.configure(settings.document_cache_bytes)
    if settings.keep_alive_interval > 0:
        view.pinger = Pinger(settings.keep_alive_interval)
    return view
