"""``/healthz`` (the process answers), ``/readyz`` (it can do its job) and ``/metrics``.

Liveness never touches a dependency: a database outage must not make an
orchestrator restart every replica. Readiness checks the database and pub/sub,
each within ``readiness_timeout``, and says which failed, so a load balancer
stops routing to a replica that cannot serve and an operator sees why.
"""

import asyncio
import logging
from collections.abc import Awaitable
from time import perf_counter
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.core.pubsub import PubSub
from app.ops.metrics import CONTENT_TYPE
from app.ops.shutdown import Drain
from app.services import Services

log = logging.getLogger(__name__)

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def _check(probe: Awaitable[None], limit: float) -> dict[str, Any]:
    started = perf_counter()
    try:
        async with asyncio.timeout(limit):
            await probe
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {limit:g}s"}
    except Exception as error:
        first_line = (str(error).splitlines() or [""])[0][:300]
        return {"ok": False, "error": f"{type(error).__name__}: {first_line}"}
    return {"ok": True, "ms": round((perf_counter() - started) * 1000, 2)}


async def _broker_connected(pubsub: PubSub) -> None:
    # The broker reconnects by itself (app.core.broker); until then events reach
    # subscribers only by their polling the log, so this replica is not ready.
    if not pubsub.broker.connected:
        raise ConnectionError(f"{pubsub.url.split('://')[0]}:// broker unreachable; reconnecting")


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    drain: Drain = request.app.state.drain
    timeout = services.settings.readiness_timeout
    database, pubsub = await asyncio.gather(
        _check(services.db.ping(), timeout), _check(_broker_connected(services.pubsub), timeout)
    )
    checks = {"database": database, "pubsub": pubsub}
    failed = [name for name, result in checks.items() if not result["ok"]]
    if drain.started:
        body: dict[str, Any] = {"status": "draining", "failed": failed, "checks": checks}
    elif failed:
        body = {"status": "unavailable", "failed": failed, "checks": checks}
        log.warning("not ready: %s", ", ".join(f"{name} ({checks[name]['error']})" for name in failed))
    else:
        return JSONResponse({"status": "ready", "checks": checks}, headers=NO_STORE)
    return JSONResponse(body, status_code=503, headers=NO_STORE)


async def metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    return Response(services.metrics.render(), media_type=CONTENT_TYPE, headers=NO_STORE)


def ops_routes() -> list[Route]:
    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
