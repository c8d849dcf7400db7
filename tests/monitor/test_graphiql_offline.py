"""GraphiQL at /graphql in headless Chromium, with every request to another origin refused.

The tab is as a machine without internet: each request to another origin fails. GraphiQL
must still load, and run a query over HTTP and a subscription over the WebSocket, each with
the bearer token typed into its Headers tab.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from app.auth.roles import Role
from tests.browser import Browser, Page
from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import LiveServer

SECRET = SecretStr("graphiql-tests-signing-secret-0123456789")
QUERY = '{ liveCall(callId: "gq-1") { callId agentName status } }'
SUBSCRIPTION = """subscription Follow {
  callEvents(callId: "gq-1", afterSequence: 0) {
    sequence type
    ... on TranscriptAddedEvent { transcript { text } }
  }
}"""
# What the result pane shows (its editor's text).
RESULT = "(document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? '')"


def _post(server: LiveServer, token: str, query: str, **variables: Any) -> None:
    response = httpx.post(
        server.http_url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json().get("errors") is None, response.text


async def _type_into(page: Page, editor: str, text: str) -> None:
    """Click into a GraphiQL editor, select what it holds, and type ``text`` over it."""
    await page.click(f"{editor} .CodeMirror-lines")
    await page.evaluate(
        f"document.querySelector({json.dumps(editor + ' .CodeMirror')}).CodeMirror.execCommand('selectAll')"
    )
    await page.send("Input.insertText", {"text": text})


async def _click_button(page: Page, label: str) -> None:
    marked = await page.wait_for(
        f"""(() => {{
            const button = [...document.querySelectorAll('button')]
              .find((b) => b.textContent.trim() === {json.dumps(label)});
            if (button) button.dataset.testClick = {json.dumps(label)};
            return Boolean(button);
        }})()"""
    )
    assert marked
    await page.click(f"button[data-test-click={json.dumps(label)}]")


async def test_graphiql_runs_a_query_and_a_subscription_with_no_other_origin_reachable(
    start_server: Callable[..., LiveServer], browser: Browser, tmp_path: Path
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    token: str = server.services.auth.mint(role=Role.ADMIN, subject="graphiql-admin")
    _post(server, token, START_CALL, **call_args("gq-1"))
    origin = f"http://127.0.0.1:{server.port}"
    page = await browser.new_page()
    refused = await page.refuse_other_origins(origin)

    await page.goto(f"{origin}/graphql?q={quote(QUERY)}")
    await page.wait_for("document.querySelector('.graphiql-execute-button') !== null")
    await _click_button(page, "Headers")
    await _type_into(
        page,
        ".graphiql-editor-tool .graphiql-editor:not(.hidden)",
        json.dumps({"Authorization": f"Bearer {token}"}, indent=2),
    )
    await page.click(".graphiql-execute-button")
    queried = await page.wait_for(f"({RESULT}.includes('gq-1')) && {RESULT}")

    await _type_into(page, ".graphiql-query-editor", SUBSCRIPTION)
    # GraphiQL has parsed the new document once its tab is named for the operation.
    await page.wait_for("document.querySelector('.graphiql-tab-button')?.textContent === 'Follow'")
    await page.click(".graphiql-execute-button")
    await page.wait_for(f"{RESULT}.includes('CALL_STARTED')")
    _post(server, token, ADD_LINE, callId="gq-1", text="Heard live in GraphiQL")
    followed = await page.wait_for(f"({RESULT}.includes('Heard live in GraphiQL')) && {RESULT}")
    shot = await page.screenshot(tmp_path / "graphiql-offline.png")
    print(f"screenshot: {shot}")

    assert json.loads(queried) == {
        "data": {"liveCall": {"callId": "gq-1", "agentName": "Ada Agent", "status": "CONNECTING"}}
    }
    assert json.loads(followed)["data"]["callEvents"]["type"] == "TRANSCRIPT_ADDED"
    assert refused == []  # it never even tried another origin
    assert page.errors == []
