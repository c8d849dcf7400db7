"""The API's write path with no GraphQL: what benchmark 2's append costs below the GraphQL layer.

The API's own app (``app.main.create_app``, its services and database) behind one
route: a POST of benchmark 2's document (``bench.api.ADD_LINE``) is answered
straight from ``Services.writes``. The bearer token is verified, the line is the
same ``NewTranscriptEntry``, and it takes the same write path (the group commit,
its statements, the events, the rules, the publish); the entry is encoded by hand.
Every other request (the calls being started) goes to the API.

So the API's CPU per append, less this one's, is what the GraphQL layer costs it:
Strawberry, our extensions, the middleware and the view. Served by uvicorn with the
reference apps' options (``bench.servers.UVICORN_AS_APP``), on the API's settings.
"""

from functools import partial
from typing import Any

import orjson
from starlette.types import Message, Receive, Scope, Send

from app.auth.errors import Unauthenticated
from app.calls import transcripts
from app.calls.enums import Sentiment, Speaker
from app.calls.new_transcript_entry import NewTranscriptEntry
from app.main import create_app
from app.services import Services
from bench.api import ADD_LINE

api = create_app()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http" or scope["method"] != "POST":
        await api(scope, receive, send)
        return
    body = await _body(receive)
    request = orjson.loads(body)
    if request.get("query") != ADD_LINE:
        await api(scope, _replaying(body, receive), send)
        return
    services: Services = api.state.services
    header = dict(scope["headers"]).get(b"authorization", b"").decode()
    try:
        principal = services.auth.verify_header(header)
    except Unauthenticated as refused:
        await _respond(send, 401, {"errors": [{"message": str(refused)}]})
        return
    if principal is None:  # the benchmarks always send a token
        await _respond(send, 401, {"errors": [{"message": "a bearer token is required"}]})
        return
    variables = request["variables"]
    line = NewTranscriptEntry(
        call_id=variables["callId"],
        timestamp="00:00:01",
        speaker=Speaker[variables["speaker"]],
        text=variables["text"],
        is_final=True,
        sentiment=Sentiment[variables["sentiment"]] if variables.get("sentiment") else None,
        confidence=0.93,
    )
    row = await services.writes.run(
        principal.scope, partial(transcripts.add_transcript_entry, request=line), actor=principal.subject
    )
    entry = {
        "order": row.order,
        "speaker": Speaker(row.speaker).name,
        "text": row.text,
        "sentiment": Sentiment(row.sentiment).name if row.sentiment else None,
        "createdAt": row.created_at.isoformat(),
    }
    await _respond(send, 200, {"data": {"addTranscriptEntry": entry}})


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _respond(send: Send, status: int, payload: dict[str, Any]) -> None:
    encoded = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(encoded)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": encoded})
