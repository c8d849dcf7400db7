"""The monitor page and the simulator against a server that requires bearer tokens."""

import io
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from app.auth.roles import Role
from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load
from tests.browser import Browser
from tests.factories import START_CALL, call_args
from tests.live import LiveServer

SECRET = SecretStr("monitor-tests-signing-secret-0123456789")


def _mint(server: LiveServer, role: Role, subject: str, name: str | None = None) -> str:
    token: str = server.services.auth.mint(role=role, subject=subject, name=name)
    return token


def _post(server: LiveServer, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        server.http_url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    assert body.get("errors") is None, body
    return body


async def test_a_supervisor_signed_in_by_token_watches_and_bookmarks_a_call(
    start_server: Callable[..., LiveServer], browser: Browser
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    pipeline = _mint(server, Role.PIPELINE, "pipeline-1")
    supervisor = _mint(server, Role.SUPERVISOR, "sue-7", "Sue Visor")
    _post(server, pipeline, START_CALL, **call_args("secured"))
    _post(server, pipeline, 'mutation { updateCallStatus(callId: "secured", status: CONNECTED) { status } }')
    page = await browser.new_page()

    await page.goto(f"http://127.0.0.1:{server.port}/monitor/?call=secured&token={supervisor}")
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")
    await page.click('button[data-action="BOOKMARK_MOMENT"]')
    logged = await page.wait_for("document.querySelector('#action-log li')?.textContent")
    address = await page.evaluate("location.href")

    assert "Sue Visor: Bookmark moment" in logged  # over the token's subject, through the subscription
    assert "token=" not in address  # kept in localStorage, not in the history
    assert page.errors == []


async def test_without_a_token_the_page_says_how_to_sign_in(
    start_server: Callable[..., LiveServer], browser: Browser
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    page = await browser.new_page()

    await page.goto(f"http://127.0.0.1:{server.port}/monitor/")
    await page.wait_for("!document.getElementById('auth-help').hidden")

    # The help shows at the first refusal (the board's read or the socket); the pill as the socket closes.
    await page.wait_for("document.getElementById('connection').dataset.state === 'closed'", within=5)


async def test_the_simulator_plays_a_call_with_a_token(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    admin = _mint(server, Role.ADMIN, "sim-admin", "Simulator")

    [played] = await simulate(
        url=server.http_url,
        scripts=[load(SCRIPTS_DIR / "quick-callback.json")],
        speed=0,
        token=admin,
        prefix="secured",
        out=io.StringIO(),
    )

    assert (played.status, played.error) == ("ENDED", None)
