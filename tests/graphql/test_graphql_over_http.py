"""The GraphQL-over-HTTP spec: graphql-http's audit, and the application/graphql-response+json media type.

A client accepting application/graphql-response+json gets it; a request that never ran (a
parse, validation or variable-coercion failure, a refusal before execution) then has no
``data`` entry and a 4xx status. application/json, and no Accept header, answer as before.
"""

import json
import os
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from tests.live import LiveServer
from tests.node import NodeUnavailable, ensure_packages

GRAPHQL_HTTP = "1.23.1"
GRAPHQL_JS = "16.11.0"  # graphql-http's peer dependency
AUDIT = Path(__file__).with_name("graphql_http_audit.js")
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="session")
def graphql_http() -> Path:
    """node_modules with graphql-http (the spec's audit), installed by the test setup when missing."""
    try:
        return ensure_packages(f"graphql-http@{GRAPHQL_HTTP}", f"graphql@{GRAPHQL_JS}")
    except NodeUnavailable as error:
        if os.environ.get("CI"):
            raise  # CI runs as root with apt: the audit is never skipped there
        pytest.skip(str(error))


def _post(url: str, body: Any, accept: str | None = GRAPHQL_RESPONSE, **headers: str) -> httpx2.Response:
    if accept is not None:
        headers["accept"] = accept
    return httpx2.post(url, json=body, headers=headers, timeout=10)


def test_the_graphql_over_http_audit_passes_every_check(live_server: LiveServer, graphql_http: Path) -> None:
    done = subprocess.run(
        ["node", str(AUDIT), live_server.http_url],
        env={**os.environ, "NODE_PATH": str(graphql_http)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    counts = Counter(result["status"] for result in results)
    print(f"graphql-http {GRAPHQL_HTTP} audit: {counts['ok']} of {len(results)} ok, {dict(counts)}")

    assert [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"] == []
    assert (counts["ok"], len(results)) == (61, 61)


def test_a_parse_failure_is_a_400_without_data(live_server: LiveServer) -> None:
    response = _post(live_server.http_url, {"query": "{"})

    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_a_validation_failure_is_a_400_without_data(live_server: LiveServer) -> None:
    response = _post(live_server.http_url, {"query": "{ noSuchField }"})

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (400, GRAPHQL_RESPONSE)
    assert response.json().keys() == {"errors"}
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_variable_coercion_failure_is_a_400_without_data(live_server: LiveServer) -> None:
    query = "query Call($callId: String!) { liveCall(callId: $callId) { callId } }"
    response = _post(live_server.http_url, {"query": query, "variables": {"callId": 42}})

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (400, GRAPHQL_RESPONSE)
    assert response.json().keys() == {"errors"}
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_operation_that_ran_keeps_its_data_and_200_even_when_it_is_null(live_server: LiveServer) -> None:
    # endLiveCall is non-null: its error (with a path) nulls the whole data, which is still there.
    response = _post(live_server.http_url, {"query": 'mutation { endLiveCall(callId: "nobody") { status } }'})

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (200, GRAPHQL_RESPONSE)
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["endLiveCall"]
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_caller_without_a_token_is_a_401_without_data(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(
        auth_disabled=False, jwt_secret=SecretStr("over-http-tests-signing-secret-0123456789")
    )

    response = _post(server.http_url, {"query": "{ liveCalls { callId } }"})

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (401, GRAPHQL_RESPONSE)
    assert response.json().keys() == {"errors"}
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_malformed_request_is_an_error_of_the_accepted_media_type(live_server: LiveServer) -> None:
    response = _post(live_server.http_url, [1, 2])

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (400, GRAPHQL_RESPONSE)
    assert response.json().keys() == {"errors"}
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "accept",
    [
        "application/graphql-response+json, application/json;q=0.9",
        "application/json, application/graphql-response+json",
        "application/json;q=0.5, */*;q=0.1, application/graphql-response+json;q=0.8",
    ],
)
def test_graphql_response_json_is_answered_when_preferred_over_application_json(
    live_server: LiveServer, accept: str
) -> None:
    response = _post(live_server.http_url, {"query": "{ noSuchField }"}, accept=accept)

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (400, GRAPHQL_RESPONSE)
    assert "data" not in response.json()


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_a_mutation_sent_with_get_is_a_405_that_allows_post(live_server: LiveServer, accept: str) -> None:
    response = httpx2.get(
        live_server.http_url,
        params={"query": 'mutation { endLiveCall(callId: "c") { status } }'},
        headers={"accept": accept},
        timeout=10,
    )

    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_a_query_sent_with_get_still_runs(live_server: LiveServer) -> None:
    response = httpx2.get(live_server.http_url, params={"query": "{ __typename }"}, timeout=10)

    assert (response.status_code, response.json()["data"]) == (200, {"__typename": "Query"})
