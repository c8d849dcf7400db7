"""The GraphQL endpoint: HTTP, both WebSocket protocols and GraphiQL on one path.

Every document goes through the trusted-documents policy first (``trusted_documents``); a POST
of an operation that has run before is served from its record (``prepared``) without
Strawberry's per-request phases, anything else by Strawberry's ``run``; responses are
``application/graphql-response+json`` for clients that accept it, else ``application/json``
(``http_errors``); GraphiQL is our page, served without a CDN (``graphiql``).
"""

import itertools
import json
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.adapters.strawberry import InvalidOperationTypeError
from app.auth.errors import Unauthenticated
from app.core import json_text
from app.core.config import Settings
from app.graphql.context import Context
from app.graphql.document_cache import DOCUMENTS
from app.graphql.graphiql import graphiql_page
from app.graphql.http_errors import (
    GRAPHQL_RESPONSE,
    GRAPHQL_RESPONSE_CONTENT_TYPE,
    BodyTooLarge,
    BodyTooSlow,
    error_response,
    limited,
    not_executed,
    request_error_status,
    response_media_type,
)
from app.graphql.keepalive import Pinger
from app.graphql.prepared import prepared_for, run_prepared
from app.graphql.schema import schema
from app.graphql.sharing import SharedResults
from app.graphql.trusted_documents import (
    DocumentPolicy,
    DocumentRefused,
    TrustedLegacyWSHandler,
    TrustedTransportWSHandler,
)
from app.services import Services


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TrustedTransportWSHandler
    graphql_ws_handler_class = TrustedLegacyWSHandler
    max_body_bytes = 1_048_576
    anonymous_max_body_bytes = 65_536
    body_timeout = 10.0
    pinger: Pinger | None = None
    shared_results: SharedResults
    documents: DocumentPolicy
    serial = 0
    """Names this view's prepared operations: another app's settings may bound documents otherwise."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope)
        largest = self.max_body_bytes if _identified(request) else self.anonymous_max_body_bytes
        request = Request(scope=scope, receive=limited(receive, largest, self.body_timeout))
        media_type = response_media_type(request.headers.get("accept"))
        too_large = f"request body is larger than {largest} bytes"
        if largest < self.max_body_bytes:
            too_large += f" without a token ({self.max_body_bytes} with one)"
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > largest:
            response: Response = error_response(413, too_large, media_type)
        else:
            try:
                response = await self.serve_prepared(request) or await self.run(request)
            except HTTPException as error:
                response = error_response(_status(error, request.method), error.reason, media_type)
                if response.status_code == 405:
                    response.headers["allow"] = "POST"
            except BodyTooLarge:
                response = error_response(413, too_large, media_type)
            except BodyTooSlow:
                message = f"request body not received within {self.body_timeout:g} s (BODY_TIMEOUT)"
                response = error_response(408, message, media_type)
                response.headers["connection"] = "close"  # the rest of the body may still be coming
            except DocumentRefused as refused:
                response = error_response(refused.status, refused.message, media_type, code=refused.code)
        await response(scope, receive, send)

    async def serve_prepared(self, request: Request) -> Response | None:
        """A POST of a prepared operation (``app.graphql.prepared``), answered without Strawberry's
        phases; ``None`` for anything else, which Strawberry's ``run`` then serves from the same
        (already read) body."""
        if request.method != "POST" or not _json_content(request.headers.get("content-type")):
            return None
        try:
            sent = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(sent, dict) or not sent.keys() <= PLAIN_REQUEST:
            return None
        query, variables, name = sent.get("query"), sent.get("variables"), sent.get("operationName")
        if (
            not isinstance(query, str)
            or not isinstance(variables, dict | None)
            or not isinstance(name, str | None)
        ):
            return None
        query = self.documents.resolve(query, None, None)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        prepared = prepared_for(context, query, name)
        if prepared is None:
            return None
        result, _ = await run_prepared(schema, context, prepared, variables, name)
        return self.create_response(await self.process_result(request, result), sub_response)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A browser's GET naming a trusted document runs it, as one with ?query= does.
        return request.query_params.get("documentId") is None and super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's parsing, then the document through the trusted-documents policy.

        Strawberry drops ``documentId``; it is read here from the query string, or from the body
        when the body mentions it.
        """
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            document_id = None
            if request.method == "GET":
                document_id = request.query_params.get("documentId")
            else:
                body = await request.get_body()
                if b"documentId" in body:
                    document_id = self.parse_json(body).get("documentId")
            data.query = self.documents.resolve(data.query, document_id, data.extensions)
        return data

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        if response_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE:
            sub_response.media_type = GRAPHQL_RESPONSE
            request.state.graphql_response = sub_response  # process_result may set its status
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Under application/graphql-response+json, a request that never ran has no data and a 4xx."""
        response = await super().process_result(request, result)
        sub_response: Response | None = getattr(request.state, "graphql_response", None)
        if sub_response is not None and not_executed(result.data, result.errors):
            del response["data"]
            sub_response.status_code = request_error_status(result.errors or [])
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE_CONTENT_TYPE
        return response

    def encode_json(self, data: object) -> str:
        return json_text.dumps(data)

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
            prepared_view=self.serial,
        )
        if isinstance(request, Request):
            if not services.auth.disabled:
                context.principal, context.auth_error = request.state.identity
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


PLAIN_REQUEST = frozenset({"query", "variables", "operationName"})
_SERIALS = itertools.count(1)


def _json_content(content_type: str | None) -> bool:
    return content_type is not None and content_type.partition(";")[0].strip().lower() == "application/json"


def _identified(request: Request) -> bool:
    """Whether the caller is known (a valid token, or auth off), decided before the body is read:
    a caller without a token gets a smaller body, so its refusal costs no 900 KB decode.

    The outcome stays in ``request.state.identity`` for the context, so a token is verified once.
    """
    services: Services = request.app.state.services
    if services.auth.disabled:
        return True
    try:
        principal = services.auth.verify_header(request.headers.get("authorization"))
    except Unauthenticated as error:
        request.state.identity = (None, error)
        return False
    request.state.identity = (principal, None)
    return principal is not None


def _status(error: HTTPException, method: str) -> int:
    """A mutation sent with GET is 405 with ``Allow: POST`` (GraphQL over HTTP), not Strawberry's 400."""
    cause = error.__cause__
    if (
        method == "GET"
        and isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type is OperationType.MUTATION
    ):
        return 405
    return error.status_code


def graphql_view(settings: Settings) -> GraphQLView:
    """The endpoint for ``settings``; a bad TRUSTED_DOCUMENTS manifest raises ManifestError here."""
    documents = DocumentPolicy.from_settings(settings)
    view = GraphQLView(
        schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        keep_alive=settings.keep_alive_interval > 0,
        keep_alive_interval=settings.keep_alive_interval,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        connection_init_wait_timeout=timedelta(seconds=settings.connection_init_timeout),
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        allowed_origins=settings.graphql_allowed_origins,
    )
    view.serial = next(_SERIALS)
    view.max_body_bytes = settings.max_body_bytes
    view.anonymous_max_body_bytes = min(settings.anonymous_max_body_bytes, settings.max_body_bytes)
    view.body_timeout = settings.body_timeout
    view.documents = documents
    view.shared_results = SharedResults()
    DOCUMENTS.configure(settings.document_cache_bytes)
    if settings.keep_alive_interval > 0:
        view.pinger = Pinger(settings.keep_alive_interval)
    return view
