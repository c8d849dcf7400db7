"""Hostile and mistaken requests: refused cheaply, with a code, before they cost the server.

Every test here crosses a real socket to a real uvicorn server. The documents
are the ones of issue 13: each one used to stall the server for seconds, crash a
validation rule, or come back as an INTERNAL_SERVER_ERROR or a bare 500.
"""

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest
from graphql import GraphQLObjectType, get_introspection_query, get_named_type
from pydantic import SecretStr

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from app.graphql.datetimes import AwareDateTimes
from app.graphql.schema import schema
from tests.live import LiveServer

SECRET = "test-secret-0123456789-abcdefghijklmnop"
FAST = 0.5  # seconds: refusing a document must not cost more than a simple query may take


async def post(
    url: str, body: Any = None, *, content: bytes | None = None, **headers: str
) -> httpx2.Response:
    async with httpx2.AsyncClient(timeout=60) as client:
        if content is not None:
            return await client.post(
                url, content=content, headers={"content-type": "application/json", **headers}
            )
        return await client.post(url, json=body, headers=headers)


async def timed_error(url: str, query: str, **headers: str) -> tuple[dict[str, Any], float]:
    """The only error of ``query`` and the seconds the server took to answer it."""
    started = time.monotonic()
    response = await post(url, {"query": query}, **headers)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error, elapsed


def chained_fragments(count: int) -> str:
    """``{ ...F0 }`` where each fragment spreads the next: one field, ``count`` spreads deep."""
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(count))
    return f"{{ ...F0 }} {chain} fragment F{count} on Query {{ __typename }}"


@pytest.fixture
def url(live_server: LiveServer) -> str:
    return live_server.http_url


# Finding 3: validation cost that grows with the square of repeated fields.


async def test_an_operation_with_hundreds_of_root_fields_is_refused_before_validation(url: str) -> None:
    many = "{ " + " ".join(f'liveCall(callId: "{n}") {{ callId }}' for n in range(555)) + " }"

    error, elapsed = await timed_error(url, many)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "555 root fields" in error["message"]
    assert "at most 50" in error["message"]
    assert elapsed < FAST


async def test_hundreds_of_same_named_fields_below_the_root_are_refused_before_validation(url: str) -> None:
    repeated = " ".join(f"transcripts(first: {n + 1}) {{ order }}" for n in range(400))
    query = f'{{ liveCall(callId: "c") {{ {repeated} }} }}'

    error, elapsed = await timed_error(url, query)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "same name" in error["message"]
    assert elapsed < FAST


async def test_a_document_that_the_estimate_lets_through_is_still_stopped_by_the_validation_budget(
    url: str,
) -> None:
    """40 same-named fields spreading 40 different fragments: every two fragments get compared."""
    fields = "callId status agentName customerName customerPhone startTime duration campaignId"
    roots = " ".join(f'liveCall(callId: "c") {{ ...F{n} }}' for n in range(40))
    fragments = " ".join(f"fragment F{n} on LiveCall {{ {fields} }}" for n in range(40))

    error, elapsed = await timed_error(url, f"{{ {roots} }} {fragments}")

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "too costly to validate" in error["message"]
    assert elapsed < FAST


async def test_a_fragment_that_expands_to_millions_of_fields_is_refused_before_validation(url: str) -> None:
    """Each fragment spreads the next one twice: 18 levels are 262,144 fields by use, in 750 bytes."""
    levels = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(18))
    bomb = f"{{ ...F0 }} {levels} fragment F18 on Query {{ __typename }}"

    error, elapsed = await timed_error(url, bomb)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "selections" in error["message"]
    assert elapsed < FAST


async def test_fragments_that_spread_each_other_are_refused_before_validation(url: str) -> None:
    """Ten fragments each spreading the nine others: millions of paths for the depth limiter to walk."""
    names = [f"F{n}" for n in range(10)]
    spreads = {name: " ".join(f"...{other}" for other in names if other != name) for name in names}
    clique = "{ ...F0 } " + " ".join(
        f"fragment {name} on Query {{ __typename {spreads[name]} }}" for name in names
    )

    error, elapsed = await timed_error(url, clique)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "within itself" in error["message"]
    assert elapsed < FAST


def _introspection(operation: str) -> str:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    return query.replace("query IntrospectionQuery", f"query {operation}", 1)


async def test_an_anonymous_caller_may_not_send_more_than_an_introspection_sized_document(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))
    fragments = _introspection("A").split("fragment", 1)[1]
    operations = [_introspection(name).split("fragment", 1)[0] for name in ("A", "B", "C", "D")]
    document = "\n".join(operations) + "\nfragment" + fragments

    response = await post(server.http_url, {"query": document, "operationName": "A"})

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "without a token" in error["message"]


async def test_an_anonymous_callers_body_over_its_bound_is_refused_with_413_before_it_is_read(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))
    huge = '{ liveCall(callId: "' + "x" * 900_000 + '") { callId } }'

    response = await post(server.http_url, {"query": huge})

    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error["message"] == "request body is larger than 65536 bytes without a token (1048576 with one)"


async def test_an_anonymous_callers_chunked_body_over_its_bound_is_refused_with_413(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))
    body = json.dumps({"query": "{ __typename }", "padding": "x" * 70_000}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16_384):
            yield body[start : start + 16_384]

    async with httpx2.AsyncClient(timeout=60) as client:
        response = await client.post(
            server.http_url, content=chunks(), headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_token_holders_body_may_be_larger_than_an_anonymous_callers(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))
    token = Authenticator.from_settings(Settings(jwt_secret=SecretStr(SECRET))).mint(
        role=Role.SUPERVISOR, subject="s-1"
    )

    response = await post(
        server.http_url,
        {"query": "{ __typename }", "variables": {"padding": "x" * 100_000}},
        Authorization=f"Bearer {token}",
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_the_full_introspection_query_needs_no_token(start_server: Callable[..., LiveServer]) -> None:
    """What GraphiQL sends before it has a token stays within the anonymous bound."""
    server = start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))

    response = await post(server.http_url, {"query": _introspection("IntrospectionQuery")})

    assert response.json().get("errors") is None
    assert response.json()["data"]["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}


# Finding 4: documents that pin memory. Their memory is measured in test_under_attack.py.


async def test_a_document_longer_than_the_maximum_is_refused_before_parsing(url: str) -> None:
    huge = '{ liveCall(callId: "' + "x" * 900_000 + '") { callId } }'

    error, elapsed = await timed_error(url, huge)

    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "at most 100000" in error["message"]
    assert elapsed < FAST


# Finding 7: client mistakes answered as server errors.


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_subscription_over_http_is_a_bad_request(url: str, method: str) -> None:
    query = "subscription { liveCalls { type } }"
    async with httpx2.AsyncClient(timeout=10) as client:
        if method == "POST":
            response = await client.post(url, json={"query": query})
        else:
            response = await client.get(url, params={"query": query}, headers={"accept": "application/json"})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "subscriptions" in error["message"]


NAIVE = "2026-01-01T00:00:00"


@pytest.mark.parametrize("argument", ["from", "to"])
@pytest.mark.parametrize("spelling", ["literal", "variable"])
async def test_a_date_time_without_a_time_zone_is_bad_user_input_naming_the_argument(
    url: str, argument: str, spelling: str
) -> None:
    if spelling == "literal":
        body = {"query": f'{{ campaignReport(campaignId: "c", {argument}: "{NAIVE}") {{ calls }} }}'}
    else:
        query = f'query($at: DateTime) {{ campaignReport(campaignId: "c", {argument}: $at) {{ calls }} }}'
        body = {"query": query, "variables": {"at": NAIVE}}

    response = await post(url, body)

    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": argument}
    assert error["message"].startswith(f"{argument}: ")
    assert "time zone" in error["message"]


async def test_a_date_time_with_a_time_zone_is_accepted(url: str) -> None:
    bounds = f'from: "{NAIVE}Z", to: "2026-01-02T00:00:00+02:00"'
    query = f'{{ campaignReport(campaignId: "c", {bounds}) {{ calls from }} }}'

    response = await post(url, {"query": query})

    assert response.json() == {"data": {"campaignReport": {"calls": 0, "from": "2026-01-01T00:00:00+00:00"}}}


async def test_three_hundred_chained_fragments_are_a_validation_error_not_a_server_error(url: str) -> None:
    error, elapsed = await timed_error(url, chained_fragments(300))

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "fragment" in error["message"]
    assert elapsed < FAST


async def test_a_few_chained_fragments_are_still_accepted(url: str) -> None:
    response = await post(url, {"query": chained_fragments(5)})

    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_spread_of_an_unknown_fragment_is_a_validation_error_not_a_server_error(url: str) -> None:
    error, _ = await timed_error(url, "{ ...Missing }")

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Missing" in error["message"]


@pytest.mark.parametrize("body", [b"null", b"123", b'"x"', b"true", b"[]", b'[{"query": "{ __typename }"}]'])
async def test_a_json_body_that_is_not_an_object_is_a_bad_request(url: str, body: bytes) -> None:
    response = await post(url, content=body)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_every_field_taking_a_date_time_argument_refuses_one_without_a_time_zone() -> None:
    """The test above covers campaignReport; this keeps a DateTime argument added later covered too."""
    unguarded = [
        f"{type_name}.{field_name}"
        for type_name, graphql_type in schema._schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in graphql_type.fields.items()
        if any(get_named_type(argument.type).name == "DateTime" for argument in field.args.values())
        and not any(
            isinstance(extension, AwareDateTimes)
            for extension in field.extensions["strawberry-definition"].extensions
        )
    ]

    assert unguarded == []
