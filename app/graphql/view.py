"""The GraphQL endpoint: HTTP, both WebSocket protocols and GraphiQL on one path."""

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from app.core.config import Settings
from app.graphql.context import Context, Services
from app.graphql.keepalive import PingingTransportWSHandler
from app.graphql.schema import schema


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PingingTransportWSHandler

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        services: Services = request.app.state.services
        return Context(
            services=services,
            request=request,
            response=response if isinstance(response, Response) else None,
        )


def graphql_view(settings: Settings) -> GraphQLView:
    return GraphQLView(
        schema,
        graphql_ide="graphiql",
        keep_alive=settings.keep_alive_interval > 0,
        keep_alive_interval=settings.keep_alive_interval,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        connection_init_wait_timeout=timedelta(seconds=10),
        allowed_origins=settings.graphql_allowed_origins,
    )
