"""Limits against abuse: each triggers a clear error with a code, never a 500."""

import pytest
from starlette.testclient import TestClient

from tests.factories import Api


def test_a_query_with_too_many_tokens_is_rejected(api: Api) -> None:
    huge = "{ " + " ".join("__typename" for _ in range(6_000)) + " }"

    body = api.execute(huge)

    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "tokens" in body["errors"][0]["message"]


def test_a_query_with_too_many_aliases_is_rejected(api: Api) -> None:
    aliased = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"

    error = api.error(aliased)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in error["message"]


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ('{ liveCall(callId: "c") { transcripts(first: 1001) { order } } }', "1000"),
        ("{ liveCalls(first: 201) { callId } }", "200"),
        ("{ liveCalls(first: 0) { callId } }", "200"),
    ],
)
def test_a_page_larger_than_the_maximum_is_bad_user_input(api: Api, query: str, limit: str) -> None:
    api.start_call("c")

    error = api.error(query)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"
    assert limit in error["message"]


def test_a_transcript_text_longer_than_the_maximum_is_bad_user_input(api: Api) -> None:
    api.start_call("c")

    error = api.error(
        'mutation($t: String!) { addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: $t,'
        " isFinal: true) { order } }",
        t="x" * 10_001,
    )

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "text"}
    assert api.live_call("c")["transcripts"] == []


def test_a_request_body_over_the_maximum_is_rejected_with_413(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }", "padding": "x" * 1_100_000})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_malformed_request_body_is_a_json_error_with_a_code(client: TestClient) -> None:
    response = client.post("/graphql", content=b'{"query": ', headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_unexpected_failures_reveal_no_internals(api: Api) -> None:
    body = api.execute("{ liveCall(callId: 1) { callId } }")

    assert all("extensions" in error and "Traceback" not in error["message"] for error in body["errors"])
