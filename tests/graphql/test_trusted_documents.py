"""TRUSTED_DOCUMENTS: only the manifest's documents run, over HTTP and both WebSocket protocols.

A client names a document by its SHA-256 (``documentId: "sha256:<hex>"`` or Apollo's
``extensions.persistedQuery``) or sends its full text; anything else is refused, coded,
before it is parsed. A manifest the server cannot use stops it from starting.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from app.core.config import Settings
from app.graphql.trusted_documents import ManifestError, sha256_hex
from app.main import create_app
from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket, LiveServer, eventually
from tests.processes import free_port

BOARD = "query Board { liveCalls { callId status } }"
FEED = "subscription Feed { liveCalls { type call { callId } } }"
TRUSTED = (BOARD, FEED, START_CALL)
UNTRUSTED = "query Other { liveCalls { callId agentName } }"
UNKNOWN = sha256_hex(UNTRUSTED)
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


def _document_id(document: str) -> dict[str, Any]:
    return {"documentId": f"sha256:{sha256_hex(document)}"}


def _persisted_query(document: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}}


SHAPES = {"documentId": _document_id, "persistedQuery": _persisted_query}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "trusted-documents.json"
    path.write_text(json.dumps({sha256_hex(document): document for document in TRUSTED}))
    return path


@pytest.fixture
def trusted(start_server: Callable[..., LiveServer], manifest: Path) -> LiveServer:
    return start_server(trusted_documents=manifest)


def _post(server: LiveServer, body: dict[str, Any]) -> httpx2.Response:
    return httpx2.post(server.http_url, json=body, timeout=10)


def _refusal(response: httpx2.Response) -> tuple[int, str]:
    [error] = response.json()["errors"]
    return response.status_code, error["extensions"]["code"]


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_trusted_document_runs_when_named_by_its_hash(trusted: LiveServer, shape: Any) -> None:
    response = _post(trusted, shape(BOARD))

    assert (response.status_code, response.json()) == (200, {"data": {"liveCalls": []}})


def test_a_trusted_document_runs_by_its_document_id_over_get(trusted: LiveServer) -> None:
    response = httpx2.get(trusted.http_url, params=_document_id(BOARD), timeout=10)

    assert (response.status_code, response.json()) == (200, {"data": {"liveCalls": []}})


def test_a_trusted_document_sent_in_full_runs_where_an_untrusted_one_does_not(trusted: LiveServer) -> None:
    response = _post(trusted, {"query": START_CALL, "variables": call_args("trusted-1")})
    other = _post(trusted, {"query": START_CALL + " ", "variables": call_args("trusted-2")})  # one byte more

    assert response.json().get("errors") is None
    assert response.json()["data"]["startLiveCall"]["callId"] == "trusted-1"
    assert _refusal(other) == (403, "DOCUMENT_NOT_ALLOWED")


def test_a_document_not_in_the_manifest_is_refused_before_it_runs(trusted: LiveServer) -> None:
    mutation = 'mutation { endLiveCall(callId: "trusted-1") { status } }'

    assert _refusal(_post(trusted, {"query": UNTRUSTED})) == (403, "DOCUMENT_NOT_ALLOWED")
    assert _refusal(_post(trusted, {"query": mutation})) == (403, "DOCUMENT_NOT_ALLOWED")


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_an_unknown_hash_is_persisted_query_not_found(trusted: LiveServer, shape: Any) -> None:
    response = _post(trusted, shape(UNTRUSTED))

    assert _refusal(response) == (404, "PERSISTED_QUERY_NOT_FOUND")
    assert UNKNOWN in response.json()["errors"][0]["message"]


MALFORMED = {
    "no prefix": {"documentId": sha256_hex(BOARD)},
    "another prefix": {"documentId": f"md5:{sha256_hex(BOARD)[:32]}"},
    "upper case": {"documentId": f"sha256:{sha256_hex(BOARD).upper()}"},
    "too short": {"documentId": "sha256:abc123"},
    "not a string": {"documentId": 42},
    "apollo version 2": {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": sha256_hex(BOARD)}}},
    "apollo short hash": {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}},
    "two different hashes": {**_document_id(BOARD), **_persisted_query(FEED)},
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_hash_is_a_bad_request_saying_what_a_hash_is(
    trusted: LiveServer, body: dict[str, Any]
) -> None:
    response = _post(trusted, body)

    assert _refusal(response) == (400, "BAD_REQUEST")
    message = response.json()["errors"][0]["message"]
    assert message.startswith(("documentId", "extensions.persistedQuery")), message


def test_a_hash_that_does_not_match_the_document_sent_is_a_bad_request(trusted: LiveServer) -> None:
    response = _post(trusted, {"query": UNTRUSTED, **_document_id(BOARD)})

    assert _refusal(response) == (400, "BAD_REQUEST")
    assert sha256_hex(UNTRUSTED) in response.json()["errors"][0]["message"]


def test_without_a_manifest_a_hash_alone_is_persisted_query_not_supported(live_server: LiveServer) -> None:
    assert _refusal(_post(live_server, _document_id(BOARD))) == (400, "PERSISTED_QUERY_NOT_SUPPORTED")


def test_introspection_passes_the_allow_list_where_it_is_allowed(trusted: LiveServer) -> None:
    response = _post(trusted, {"query": "{ __schema { queryType { name } } __typename }"})
    mixed = _post(trusted, {"query": "{ __typename liveCalls { callId } }"})

    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}, "__typename": "Query"}}
    assert _refusal(mixed) == (403, "DOCUMENT_NOT_ALLOWED")


def test_introspection_off_leaves_only_the_manifest(
    start_server: Callable[..., LiveServer], manifest: Path
) -> None:
    server = start_server(trusted_documents=manifest, introspection=False)

    assert _refusal(_post(server, {"query": "{ __typename }"})) == (403, "DOCUMENT_NOT_ALLOWED")


async def _socket(server: LiveServer, protocol: str) -> GraphQLSocket:
    return await GraphQLSocket.open(server.ws_url, protocol)


def _subscribe(protocol: str, op_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    return {"id": op_id, "type": kind, "payload": payload}


def _error_code(message: dict[str, Any]) -> str:
    assert message["type"] == "error", message
    payload = message["payload"]
    error = payload[0] if isinstance(payload, list) else payload  # graphql-ws sends one error
    code: str = error["extensions"]["code"]
    return code


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscription_named_by_its_hash_runs_over_websocket(
    trusted: LiveServer, protocol: str, shape: Any
) -> None:
    socket = await _socket(trusted, protocol)
    await socket.send(_subscribe(protocol, "feed", shape(FEED)))
    await eventually(lambda: trusted.services.pubsub.subscriber_count > 0)
    _post(trusted, {"query": START_CALL, "variables": call_args("ws-trusted")})

    event = await socket.next_data()
    await socket.close()

    assert event == {"liveCalls": {"type": "CALL_STARTED", "call": {"callId": "ws-trusted"}}}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_document_not_in_the_manifest_over_websocket_is_refused_and_the_socket_stays_open(
    trusted: LiveServer, protocol: str
) -> None:
    socket = await _socket(trusted, protocol)
    await socket.send(_subscribe(protocol, "other", {"query": "subscription { liveCalls { type } }"}))
    refused = await socket.next()
    await socket.send(_subscribe(protocol, "feed", {"query": FEED}))
    await eventually(lambda: trusted.services.pubsub.subscriber_count > 0)
    _post(trusted, {"query": START_CALL, "variables": call_args("after-refusal")})
    answered = await socket.next()
    await socket.close()

    assert (refused["id"], _error_code(refused)) == ("other", "DOCUMENT_NOT_ALLOWED")
    assert answered["id"] == "feed"
    assert answered["payload"]["data"]["liveCalls"]["call"] == {"callId": "after-refusal"}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_unknown_hash_over_websocket_is_persisted_query_not_found(
    trusted: LiveServer, protocol: str
) -> None:
    socket = await _socket(trusted, protocol)
    await socket.send(_subscribe(protocol, "1", {"documentId": f"sha256:{UNKNOWN}"}))
    message = await socket.next()
    await socket.close()

    assert _error_code(message) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_malformed_hash_over_websocket_is_a_bad_request(trusted: LiveServer, protocol: str) -> None:
    socket = await _socket(trusted, protocol)
    await socket.send(_subscribe(protocol, "1", {"documentId": "sha256:not-a-hash"}))
    message = await socket.next()
    await socket.close()

    assert _error_code(message) == "BAD_REQUEST"


BAD_MANIFESTS = {
    "missing": (None, "cannot be read"),
    "not JSON": ("{", "is not JSON"),
    "a list": (json.dumps([BOARD]), "must be a JSON object"),
    "empty": ("{}", "holds no documents"),
    "a bad key": (json.dumps({"board": BOARD}), "is not a SHA-256 hex digest"),
    "a document not a string": (json.dumps({sha256_hex(BOARD): 1}), "is not a string"),
    "a hash of something else": (
        json.dumps({sha256_hex(FEED): BOARD}),
        f"has the SHA-256 {sha256_hex(BOARD)}",
    ),
    "a document not GraphQL": (json.dumps({sha256_hex("{ oops"): "{ oops"}), "is not GraphQL"),
}


@pytest.mark.parametrize(("text", "message"), BAD_MANIFESTS.values(), ids=BAD_MANIFESTS.keys())
def test_a_bad_manifest_is_refused_naming_what_is_wrong(
    settings: Settings, tmp_path: Path, text: str | None, message: str
) -> None:
    path = tmp_path / "manifest.json"
    if text is not None:
        path.write_text(text)

    with pytest.raises(ManifestError, match=f"TRUSTED_DOCUMENTS={path}: .*{message}"):
        create_app(settings.model_copy(update={"trusted_documents": path}))


def test_a_server_with_a_bad_manifest_does_not_start_and_says_why(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"board": BOARD}))
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "AUTH_DISABLED": "true",
        "TRUSTED_DOCUMENTS": str(path),
    }

    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--no-migrate", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert done.stderr.startswith(
        f"cannot serve: TRUSTED_DOCUMENTS={path}: the key 'board' is not a SHA-256 hex"
    )
    assert "Traceback" not in done.stderr
