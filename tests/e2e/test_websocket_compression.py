"""`python -m app serve` compresses WebSocket messages only when WS_COMPRESSION asks for it."""

from pathlib import Path

from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from app.core.config import Settings
from tests.processes import ServerProcess


async def _negotiated_extensions(server: ServerProcess) -> str | None:
    url = server.url.replace("http://", "ws://")
    # The websockets client offers permessage-deflate, as browsers do.
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        assert socket.response is not None
        return socket.response.headers.get("Sec-WebSocket-Extensions")


async def test_websocket_messages_are_not_compressed_by_default(settings: Settings, tmp_path: Path) -> None:
    server = ServerProcess(settings.database_url, log=tmp_path / "server.log").start()
    try:
        assert await _negotiated_extensions(server) is None
    finally:
        server.stop()


async def test_ws_compression_turns_permessage_deflate_on(settings: Settings, tmp_path: Path) -> None:
    env = {"WS_COMPRESSION": "true"}
    server = ServerProcess(settings.database_url, log=tmp_path / "server.log", env=env).start()
    try:
        extensions = await _negotiated_extensions(server)
        assert extensions is not None and "permessage-deflate" in extensions
    finally:
        server.stop()
