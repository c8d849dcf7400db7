"""A request id for every HTTP request and WebSocket connection, carried into every log line.

A client (or a proxy in front) may send ``X-Request-ID``; a well-formed one is
kept so one id follows a request across services, anything else is replaced by
a fresh id. The id goes back in the response's ``X-Request-ID`` header. The
middleware also writes one access-log line per request (per connection for a
WebSocket), naming the GraphQL operation when there was one.
"""

import logging
import os
import re
from contextvars import ContextVar
from dataclasses import dataclass
from time import perf_counter

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("app.access")

HEADER = "x-request-id"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Probes and scrapes arrive every few seconds; at INFO they would drown the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


@dataclass
class RequestInfo:
    """What the logs and metrics know about the request being served."""

    id: str
    operation: str | None = None


_current: ContextVar[RequestInfo | None] = ContextVar("request_info", default=None)


def current_request() -> RequestInfo | None:
    """The request this code runs for, or None outside any request (startup, background tasks)."""
    return _current.get()


def _request_id(scope: Scope) -> str:
    incoming = Headers(scope=scope).get(HEADER)
    if incoming is not None and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return os.urandom(16).hex()  # uuid4's randomness and width, without building a UUID


class RequestContextMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware), so streaming responses and WebSockets pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        info = RequestInfo(_request_id(scope))
        token = _current.set(info)
        started = perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.accept"):
                status = message.get("status", 101)
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                headers[HEADER] = info.id
                message["headers"] = headers.raw
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _log_access(scope, info, status, perf_counter() - started)
            _current.reset(token)


def _log_access(scope: Scope, info: RequestInfo, status: int | None, seconds: float) -> None:
    path: str = scope["path"]
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if not access_log.isEnabledFor(level):
        return
    method = scope.get("method", "WEBSOCKET")
    fields = {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "graphql_operation": info.operation,
        "client": (scope.get("client") or ("", 0))[0],
    }
    operation = f" {info.operation}" if info.operation else ""
    access_log.log(
        level,
        "%s %s%s %s %.1fms",
        method,
        path,
        operation,
        status if status is not None else "-",
        fields["duration_ms"],
        extra=fields,
    )
