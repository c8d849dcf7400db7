"""The write-throughput ceiling Strawberry sets: ``addTranscriptEntry`` with no database.

The same document, arguments and selection as the API's, answered by a resolver
that builds the entry in memory: no authentication, no ORM, no transaction, no
events. Its rate, as a share of the bare INSERT's, is the most any mutation
served by Strawberry on this stack can reach. Served by uvicorn like the API
(``bench.servers.reference_server``), over HTTP and over graphql-transport-ws
(Strawberry's own WebSocket handling, which runs a mutation sent as a
``subscribe`` message and answers it with one ``next`` and a ``complete``), so
both of the API's write paths have their Strawberry-alone ceiling.
"""

from datetime import UTC, datetime

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from app.graphql.enums import Sentiment, Speaker


@strawberry.type
class TranscriptEntry:
    order: int
    speaker: Speaker
    text: str
    sentiment: Sentiment | None
    created_at: datetime


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def add_transcript_entry(
        self,
        call_id: str,
        timestamp: str,
        speaker: Speaker,
        text: str,
        sentiment: Sentiment | None = None,
        confidence: float | None = None,
        is_final: bool = True,
    ) -> TranscriptEntry:
        return TranscriptEntry(
            order=0, speaker=speaker, text=text, sentiment=sentiment, created_at=datetime.now(UTC)
        )


schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[ParserCache, ValidationCache])
view = GraphQL(schema)
app = Starlette(routes=[Route("/graphql", view, methods=["POST"]), WebSocketRoute("/graphql", view)])
