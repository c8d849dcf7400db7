"""Transport-level errors as GraphQL-shaped JSON, the response media type, and the body limit.

Strawberry answers a malformed request with a plain-text 400; clients parse
JSON, so every rejection here has ``errors[].extensions.code`` like any other.

The GraphQL-over-HTTP spec's ``application/graphql-response+json`` is answered to
clients that accept it (Strawberry answers ``application/json`` only): then a
request that never ran (a parse, validation or variable-coercion failure, a refusal
before execution) has no ``data`` entry and a 4xx status. Clients that ask for
``application/json``, or send no Accept header, get what they always got.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError
from starlette.responses import JSONResponse
from starlette.types import Message, Receive

CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
GRAPHQL_RESPONSE_CONTENT_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8"

STATUS_BY_CODE = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "PAYLOAD_TOO_LARGE": 413,
    "INTERNAL_SERVER_ERROR": 500,
}
"""A request error's status under application/graphql-response+json; any other code is 400."""


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """application/graphql-response+json if the client accepts it at least as much as
    application/json (``*/*`` and ``application/*`` count for application/json); else application/json."""
    if not accept or GRAPHQL_RESPONSE not in accept.lower():
        return JSON
    graphql_response = json = 0.0
    for item in accept.lower().split(","):
        media_range, *parameters = item.split(";")
        media_range = media_range.strip()
        if media_range == GRAPHQL_RESPONSE:
            graphql_response = max(graphql_response, _quality(parameters))
        elif media_range in (JSON, "application/*", "*/*"):
            json = max(json, _quality(parameters))
    return GRAPHQL_RESPONSE if graphql_response > 0 and graphql_response >= json else JSON


def not_executed(data: Any, errors: Sequence[GraphQLError] | None) -> bool:
    """A result of an operation that never ran: no data, and no error from a field (with a path)."""
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


def request_error_status(errors: Sequence[GraphQLError]) -> int:
    """The status of a request that never ran, from its first error's code."""
    code = (errors[0].extensions or {}).get("code") if errors else None
    return STATUS_BY_CODE.get(code or "", 400)


def error_response(
    status: int, message: str, media_type: str = JSON, *, code: str | None = None
) -> JSONResponse:
    error = {"message": message, "extensions": {"code": code or CODES.get(status, "BAD_REQUEST")}}
    if media_type == GRAPHQL_RESPONSE:
        return JSONResponse({"errors": [error]}, status, media_type=GRAPHQL_RESPONSE_CONTENT_TYPE)
    return JSONResponse({"data": None, "errors": [error]}, status)


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    """The body did not arrive in time: a client trickling it would hold the request forever."""


def limited(receive: Receive, limit: int, seconds: float) -> Receive:
    """``receive`` that fails once the body passes ``limit`` bytes (for bodies without a length),
    or is still incomplete ``seconds`` after it was first asked for; once whole, it is ``receive``."""
    seen = 0
    deadline: float | None = None
    whole = False

    async def receive_within_limits() -> Message:
        nonlocal seen, deadline, whole
        if whole:
            return await receive()
        loop = asyncio.get_running_loop()
        if deadline is None:
            deadline = loop.time() + seconds
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise BodyTooSlow from None
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            whole = not message.get("more_body", False)
        return message

    return receive_within_limits
