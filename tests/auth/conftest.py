"""Fixtures for authentication tests: the app with HS256 tokens required."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from app.main import create_app
from tests.factories import Api

SECRET = "test-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def secured_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"auth_disabled": False, "jwt_secret": SecretStr(SECRET)})


@pytest.fixture
def secured_client(secured_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(secured_settings)) as client:
        yield client


@pytest.fixture
def mint(secured_settings: Settings) -> Callable[..., str]:
    authenticator = Authenticator.from_settings(secured_settings)

    def mint(role: Role | str = Role.ADMIN, **claims: Any) -> str:
        role = Role(role)
        return authenticator.mint(role=role, subject=claims.pop("subject", f"{role.value}-1"), **claims)

    return mint


class TokenApi(Api):
    """GraphQL over HTTP with a bearer token."""

    def __init__(self, client: TestClient, token: str | None) -> None:
        super().__init__(client)
        self.token = token

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def as_role(secured_client: TestClient, mint: Callable[..., str]) -> Callable[..., TokenApi]:
    def as_role(role: Role | str, **claims: Any) -> TokenApi:
        return TokenApi(secured_client, mint(role, **claims))

    return as_role
