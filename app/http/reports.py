"""GET /calls/{callId}/report.json and /calls/{callId}/report.md: an ended call's final report.

The analytics written when the call ended, with its transcript (null once retention
removed it), as a download. The same bearer tokens as the GraphQL API apply: any
role may read a report, a campaign-scoped token only its campaigns' reports.
"""

import json
import logging
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.analytics import reads
from app.analytics.document import report_document, report_markdown
from app.auth.errors import Unauthenticated
from app.auth.principal import Principal
from app.auth.roles import allowed
from app.core.scope import EVERY_CAMPAIGN
from app.services import Services

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _attachment(call_id: str, extension: str) -> dict[str, str]:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", call_id)[:100] or "call"
    return {"Content-Disposition": f'attachment; filename="{safe}-report.{extension}"'}


def _principal(request: Request, services: Services) -> Principal | JSONResponse | None:
    """The caller, or the error response that refuses it; ``None`` when auth is disabled."""
    if services.auth.disabled:
        return None
    try:
        principal = services.auth.verify_header(request.headers.get("authorization"))
    except Unauthenticated as error:
        return _error(401, error.code, error.message)
    if principal is None:
        return _error(401, "UNAUTHENTICATED", "a bearer token is required: Authorization: Bearer <token>")
    if not allowed(principal.role, "callAnalytics"):
        return _error(403, "FORBIDDEN", f"role {principal.role.value!r} may not read reports")
    return principal


async def _report(request: Request, extension: str) -> Response:
    call_id: str = request.path_params["call_id"]
    services: Services = request.app.state.services
    principal = _principal(request, services)
    if isinstance(principal, JSONResponse):
        return principal
    scope = EVERY_CAMPAIGN if principal is None else principal.scope
    async with services.db.read() as session:
        analytics = await reads.get_analytics(session, call_id, scope=scope)
        lines = await reads.transcript(session, call_id, scope=scope)
    if analytics is None:
        if lines is None:
            return _error(404, "NOT_FOUND", f"no call with callId {call_id!r}")
        return _error(409, "CONFLICT", f"call {call_id!r} has not ended; its report is written when it ends")
    headers = _attachment(call_id, extension)
    if extension == "md":
        return Response(
            report_markdown(analytics, lines), media_type="text/markdown; charset=utf-8", headers=headers
        )
    try:
        body = json.dumps(report_document(analytics, lines), ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError:  # a stored number JSON cannot carry (inf, NaN): an error, never invalid JSON
        log.exception("report of call %r holds a number JSON cannot carry", call_id)
        return _error(500, "INTERNAL_SERVER_ERROR", "the report could not be encoded; details are logged")
    return Response(body, media_type="application/json", headers=headers)


async def report_json(request: Request) -> Response:
    return await _report(request, "json")


async def report_markdown_file(request: Request) -> Response:
    return await _report(request, "md")


routes = [
    Route("/calls/{call_id:path}/report.json", report_json, methods=["GET"]),
    Route("/calls/{call_id:path}/report.md", report_markdown_file, methods=["GET"]),
]
