"""GraphiQL at ``GET /graphql``, served from this package: no CDN, so it works without internet.

Strawberry's page (``strawberry/static/graphiql.html``) loads React and GraphiQL from unpkg and
stays on "Loading…" without internet. Ours is ``graphiql.html`` beside this module; its scripts
and styles are the pinned releases in ``static/graphiql/`` (fetched from the npm registry by
``scripts/vendor-graphiql``; VERSIONS says which), served at ``/graphiql/``.
"""

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).parent
ASSETS = HERE / "static" / "graphiql"
ASSETS_PATH = "/graphiql"


@cache
def _template() -> str:
    return (HERE / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page(request: Request) -> HTMLResponse:
    """The page, with its assets' path under the app's root path (behind a prefix too)."""
    assets = request.scope.get("root_path", "").rstrip("/") + ASSETS_PATH
    return HTMLResponse(_template().replace("{{ assets }}", assets))


def graphiql_routes() -> list[BaseRoute]:
    return [Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS), name="graphiql")]
