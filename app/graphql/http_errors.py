"""Transport-level errors as GraphQL-shaped JSON, and the request body limit.

Strawberry answers a malformed request with a plain-text 400; clients parse
JSON, so every rejection here has ``errors[].extensions.code`` like any other.
"""

from starlette.responses import JSONResponse
from starlette.types import Message, Receive

CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def error_response(status: int, message: str) -> JSONResponse:
    code = CODES.get(status, "BAD_REQUEST")
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}, status
    )


class BodyTooLarge(Exception):
    pass


def limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that fails once the body passes ``limit`` bytes (for bodies without a length)."""
    seen = 0

    async def receive_within_limit() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return receive_within_limit
