"""GraphiQL and introspection only where allowed: GRAPHIQL and INTROSPECTION, off in production."""

from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from tests.live import LiveServer

PRODUCTION = {"environment": "production", "auth_disabled": False, "jwt_secret": SecretStr("p" * 40)}


def _code(server: LiveServer, query: str) -> str | None:
    body = httpx2.post(server.http_url, json={"query": query}, timeout=10).json()
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


def test_introspection_is_off_in_production(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(**PRODUCTION)

    assert _code(server, "{ __schema { queryType { name } } }") == "INTROSPECTION_DISABLED"


def test_introspection_off_refuses_schema_and_type_but_not_typename(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(introspection=False)

    assert _code(server, '{ __type(name: "LiveCall") { name } }') == "INTROSPECTION_DISABLED"
    assert _code(server, "query { ...Schema } fragment Schema on Query { __schema { types { name } } }") == (
        "INTROSPECTION_DISABLED"
    )
    assert _code(server, "{ __typename }") is None


@pytest.mark.parametrize(
    ("overrides", "served"),
    [
        ({**PRODUCTION}, False),
        ({**PRODUCTION, "graphiql": True}, True),
        ({"graphiql": False}, False),
    ],
    ids=["production", "production with GRAPHIQL=true", "GRAPHIQL=false"],
)
def test_graphiql_is_served_only_where_allowed(
    start_server: Callable[..., LiveServer], overrides: dict[str, Any], served: bool
) -> None:
    server = start_server(**overrides)
    origin = f"http://127.0.0.1:{server.port}"

    page = httpx2.get(f"{origin}/graphql", headers={"accept": "text/html"}, timeout=10)
    script = httpx2.get(f"{origin}/graphiql/graphiql.min.js", timeout=10)

    assert (page.status_code, script.status_code) == ((200, 200) if served else (404, 404))
    assert ("GraphiQL" in page.text) is served
