"""An app with authentication on, and clients holding tokens of a role and campaigns."""

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

SECRET = "rules-test-secret-0123456789-abcdefghij"


class TokenApi(Api):
    """``Api`` with a bearer token on every request."""

    def __init__(self, client: TestClient, token: str) -> None:
        super().__init__(client)
        self.token = token

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def authed_client(settings: Settings) -> Iterator[TestClient]:
    secured = settings.model_copy(update={"auth_disabled": False, "jwt_secret": SecretStr(SECRET)})
    with TestClient(create_app(secured)) as client:
        yield client


@pytest.fixture
def as_role(authed_client: TestClient, settings: Settings) -> Callable[..., TokenApi]:
    """``as_role(Role.SUPERVISOR, campaigns=["camp-a"])``: a client with that token."""
    secured = settings.model_copy(update={"auth_disabled": False, "jwt_secret": SecretStr(SECRET)})
    authenticator = Authenticator.from_settings(secured)

    def make(role: Role, *, campaigns: list[str] | None = None, subject: str | None = None) -> TokenApi:
        token = authenticator.mint(role=role, subject=subject or f"{role.value}-1", campaigns=campaigns)
        return TokenApi(authed_client, token)

    return make
