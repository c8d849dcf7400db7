"""Every class of bad token is UNAUTHENTICATED, on HTTP."""

import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.auth.conftest import SECRET, TokenApi

QUERY = "{ liveCalls { callId } }"


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "sub": "u1",
        "role": "viewer",
        "aud": "live-call-monitor",
        "exp": int(time.time()) + 600,
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


BAD_TOKENS = {
    "malformed": "not-a-jwt",
    "expired": jwt.encode(_claims(exp=int(time.time()) - 10), SECRET, algorithm="HS256"),
    "wrongly signed": jwt.encode(_claims(), "another-secret-0123456789-abcdefghij", algorithm="HS256"),
    "wrong audience": jwt.encode(_claims(aud="someone-else"), SECRET, algorithm="HS256"),
    "unknown role": jwt.encode(_claims(role="janitor"), SECRET, algorithm="HS256"),
    "no expiry": jwt.encode(_claims(exp=None), SECRET, algorithm="HS256"),
    "unsigned": jwt.encode(_claims(), None, algorithm="none"),
}


def test_a_request_without_a_token_is_unauthenticated(secured_client: TestClient) -> None:
    error = TokenApi(secured_client, None).error(QUERY)

    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in error["message"]


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_unauthenticated(secured_client: TestClient, token: str) -> None:
    error = TokenApi(secured_client, token).error(QUERY)

    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_header_that_is_not_a_bearer_token_is_unauthenticated(secured_client: TestClient) -> None:
    response = secured_client.post("/graphql", json={"query": QUERY}, headers={"Authorization": "Basic abc"})

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_valid_token_is_served(secured_client: TestClient, mint: Callable[..., str]) -> None:
    body = TokenApi(secured_client, mint("viewer")).data(QUERY)

    assert body == {"liveCalls": []}


def test_a_token_served_before_is_refused_once_it_has_expired(secured_client: TestClient) -> None:
    token = jwt.encode(_claims(exp=int(time.time()) + 2), SECRET, algorithm="HS256")
    assert TokenApi(secured_client, token).data(QUERY) == {"liveCalls": []}
    while time.time() < jwt.decode(token, options={"verify_signature": False})["exp"]:
        time.sleep(0.05)

    body = TokenApi(secured_client, token).execute(QUERY)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_introspection_needs_no_token_so_graphiql_can_load_the_schema(secured_client: TestClient) -> None:
    body = TokenApi(secured_client, None).data("{ __schema { queryType { name } } }")

    assert body["__schema"]["queryType"]["name"] == "Query"


def _pem(private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    ("algorithm", "key"),
    [
        ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("ES256", ec.generate_private_key(ec.SECP256R1())),
    ],
)
def test_tokens_signed_with_a_private_key_are_verified_with_the_public_key(
    settings: Settings, algorithm: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
) -> None:
    secured = settings.model_copy(update={"auth_disabled": False, "jwt_public_key": _pem(key)})
    good = jwt.encode(_claims(), key, algorithm=algorithm)
    forged = jwt.encode(_claims(), SECRET, algorithm="HS256")

    with TestClient(create_app(secured)) as client:
        accepted = TokenApi(client, good).data(QUERY)
        rejected = TokenApi(client, forged).error(QUERY)

    assert accepted == {"liveCalls": []}
    assert rejected["extensions"]["code"] == "UNAUTHENTICATED"
