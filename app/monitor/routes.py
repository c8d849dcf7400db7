"""Serves the monitor page at ``/monitor/`` (``/monitor`` redirects there, query string kept)."""

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def monitor_routes() -> list[BaseRoute]:
    return [Mount("/monitor", app=StaticFiles(directory=STATIC, html=True), name="monitor")]
