"""The uvicorn internals app/adapters/uvicorn.py relies on, as of uvicorn 0.54.0 (httptools 0.9.0).

If one of these fails after upgrading uvicorn, re-read
uvicorn/protocols/http/httptools_impl.py and adjust the adapter; the
end-to-end behaviour is in tests/e2e/test_hostile_connections.py.
"""

import asyncio
import inspect
import pickle

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.adapters.uvicorn import HeaderTimeoutProtocol, header_timeout_protocol
from tests.adapters.versions import assert_tested

WRITTEN_FOR = "0.54.0"
INTERNALS = "HttpToolsProtocol's constructor, callbacks, loop and transport"


async def _app(scope: object, receive: object, send: object) -> None:
    pass


def test_uvicorn_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("uvicorn", f">={WRITTEN_FOR},<0.55", internals=INTERNALS)


def test_httptools_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("httptools", ">=0.9.0,<0.10", internals=INTERNALS)


def test_uvicorn_serves_http_with_httptools_by_default() -> None:
    config = uvicorn.Config(_app)
    config.load()

    assert config.http_protocol_class is HttpToolsProtocol, f"written for uvicorn {WRITTEN_FOR}"


def test_httptools_protocol_still_has_the_callbacks_and_constructor_the_adapter_overrides() -> None:
    own = vars(HttpToolsProtocol)
    callbacks = ["connection_made", "connection_lost", "on_message_begin", "on_headers_complete"]
    parameters = list(inspect.signature(HttpToolsProtocol.__init__).parameters)

    assert [name for name in callbacks if name not in own] == [], f"written for uvicorn {WRITTEN_FOR}"
    assert parameters == ["self", "config", "server_state", "app_state", "_loop"], WRITTEN_FOR


async def test_uvicorn_builds_the_adapter_from_its_config() -> None:
    config = uvicorn.Config(_app, http=header_timeout_protocol(3))
    config.load()
    loop = asyncio.get_running_loop()

    protocol = config.http_protocol_class(  # type: ignore[call-arg]
        config=config, server_state=ServerState(), app_state={}, _loop=loop
    )

    assert isinstance(protocol, HeaderTimeoutProtocol)
    assert (protocol.loop, protocol.header_timeout) == (loop, 3), f"written for uvicorn {WRITTEN_FOR}"


def test_the_protocol_factory_survives_pickling_into_worker_processes() -> None:
    factory = pickle.loads(pickle.dumps(header_timeout_protocol(3)))

    assert factory.func is HeaderTimeoutProtocol  # type: ignore[attr-defined]
    assert factory.keywords == {"header_timeout": 3}  # type: ignore[attr-defined]
