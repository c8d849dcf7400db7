"""Graceful shutdown: open streams end with a resumable error and ``complete``, then the process exits."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed

from app.core.config import Settings
from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer

ROOT = Path(__file__).resolve().parents[2]
EVENTS = "subscription($callId: String!) { callEvents(callId: $callId, afterSequence: 0) { sequence } }"
BOARD = "subscription { liveCalls { type } }"


async def _until_complete(socket: GraphQLSocket, operations: int = 1) -> list[dict[str, Any]]:
    """Messages until ``operations`` streams have completed."""
    messages: list[dict[str, Any]] = []
    while sum(message["type"] == "complete" for message in messages) < operations:
        messages.append(await socket.next())
    return messages


async def test_draining_ends_each_stream_with_shutting_down_then_complete(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, op_id="events", callId="c")
    await socket.subscribe(BOARD, op_id="board")
    assert (await socket.next_data())["callEvents"] == {"sequence": 1}

    live_server.run(live_server.app.state.drain.run())
    ended = await _until_complete(socket, operations=2)
    late = await GraphQLSocket.open(live_server.ws_url)
    await late.subscribe(BOARD)
    refused = await late.next()
    await socket.close()
    await late.close()

    by_op: dict[str, list[dict[str, Any]]] = {}
    for message in ended:
        by_op.setdefault(message["id"], []).append(message)
    events_error = by_op["events"][0]["payload"]["errors"][0]
    assert events_error["extensions"] == {"code": "SHUTTING_DOWN", "lastSequence": 1}
    assert by_op["events"][-1]["type"] == "complete"
    assert by_op["board"][0]["payload"]["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN"
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN"
    assert live_server.services.pubsub.subscriber_count == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_sigterm_ends_streams_cleanly_and_the_server_exits(settings: Settings, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "BROADCAST_URL": settings.broadcast_url,
        "LOG_FORMAT": "json",
        "AUTH_DISABLED": "true",  # as the settings fixture: this test is about streams, not tokens
    }
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "app", "serve", "--no-migrate", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        await _until_ready(base)
        http = Http(f"{base}/graphql")
        try:
            await http.data(START_CALL, **call_args("c"))
        finally:
            await http.close()
        stream = await GraphQLSocket.open(f"ws://127.0.0.1:{port}/graphql")
        await stream.subscribe(EVENTS, callId="c")
        await stream.next_data()

        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        ended = await _until_complete(stream)
        closed = await _closed(stream)
        exit_code = await asyncio.wait_for(server.wait(), 15)
        took = time.monotonic() - started
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    output_text = log.read_text()

    assert ended[0]["payload"]["errors"][0]["extensions"] == {"code": "SHUTTING_DOWN", "lastSequence": 1}
    assert ended[-1] == {"id": "1", "type": "complete"}
    assert closed == 1012  # uvicorn's "service restart": clients reconnect and resume
    # uvicorn re-raises the signal once shut down, the conventional exit of a SIGTERMed process.
    assert exit_code == -signal.SIGTERM
    assert took < 10
    assert "all subscriptions ended" in output_text
    assert "Application shutdown complete" in output_text
    assert "Traceback" not in output_text


async def _until_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            await asyncio.sleep(0.1)


async def _closed(socket: GraphQLSocket) -> int | None:
    try:
        while True:
            await socket.receive(within=10)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
