"""GraphQL over HTTP for the simulator, with the retries a voice pipeline would make."""

import asyncio
import base64
import binascii
import json
from typing import Any

import httpx

RETRIES = 3


def token_claims(token: str | None) -> dict[str, Any]:
    """A JWT's claims, read without verifying them (the server does); ``{}`` for anything else."""
    parts = (token or "").split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


class ApiError(Exception):
    """The server answered with an error, or could not be reached."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class GraphQLClient:
    def __init__(self, url: str, *, token: str | None = None, timeout: float = 15) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url
        self.http = httpx.AsyncClient(timeout=timeout, headers=headers)
        self.sent = 0
        self.failed = 0

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        """The operation's data; raises ``ApiError`` on any error."""
        self.sent += 1
        try:
            response = await self._post({"query": query, "variables": variables})
            if response.status_code in (401, 403):
                raise ApiError("UNAUTHENTICATED", "the server wants a valid token (--token)")
            if response.status_code != 200:
                raise ApiError(f"HTTP_{response.status_code}", response.text[:200])
            body: dict[str, Any] = response.json()
            if body.get("errors"):
                error = body["errors"][0]
                raise ApiError(error.get("extensions", {}).get("code", "ERROR"), error.get("message", ""))
            data: dict[str, Any] = body["data"]
            return data
        except ApiError:
            self.failed += 1
            raise

    async def _post(self, payload: dict[str, Any]) -> httpx.Response:
        # Only a request that never reached the server is retried: a mutation is not
        # replayed when its answer was lost (it may have been applied).
        for attempt in range(RETRIES):
            try:
                return await self.http.post(self.url, json=payload)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt == RETRIES - 1:
                    raise ApiError("UNREACHABLE", f"{self.url}: {error}") from error
                await asyncio.sleep(0.5 * 2**attempt)
            except httpx.HTTPError as error:
                raise ApiError("HTTP_ERROR", f"{type(error).__name__}: {error}") from error
        raise AssertionError("unreachable")

    async def wait_until_ready(self, within: float) -> None:
        """Poll ``/readyz`` next to the GraphQL endpoint, so the simulator can start beside the server."""
        url = httpx.URL(self.url).copy_with(path="/readyz", query=None)
        deadline = asyncio.get_running_loop().time() + within
        last = "no answer"
        while True:
            try:
                response = await self.http.get(url)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
            if asyncio.get_running_loop().time() >= deadline:
                raise ApiError("UNREACHABLE", f"server at {url} not ready after {within:g}s ({last})")
            await asyncio.sleep(0.25)

    async def close(self) -> None:
        await self.http.aclose()
