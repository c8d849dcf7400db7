"""uvicorn internals: a deadline for a request's headers, which uvicorn does not have.

Written for uvicorn 0.54.0 with httptools 0.9.0 (tested ranges in ``pyproject.toml``),
the HTTP implementation uvicorn[standard] serves with (its ``http="auto"`` picks
httptools when it is installed). uvicorn times a connection out only while it is
idle between requests (``timeout_keep_alive``, armed when a response completes,
cancelled by the next byte), so a client that connects and sends nothing, or
sends half a request line or half its headers and stops, holds its socket forever.

``HeaderTimeoutProtocol`` is uvicorn's ``HttpToolsProtocol``
(``uvicorn.protocols.http.httptools_impl``, not public API) plus one timer:
armed when the connection is made and when a request's first byte arrives
(httptools' ``on_message_begin``), cancelled when its headers are complete
(``on_headers_complete``, which also precedes a WebSocket upgrade) or the
connection is lost. When it fires, the connection is closed. It relies on
those uvicorn internals: the class, its constructor's keywords, those three
callbacks, and ``self.loop`` / ``self.transport``.
``tests/adapters/test_uvicorn.py`` checks them; re-read
``uvicorn/protocols/http/httptools_impl.py`` when it fails after an upgrade.
"""

import asyncio
from functools import partial
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeaderTimeoutProtocol", "header_timeout_protocol"]


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers take too long."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:
            self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        super().on_headers_complete()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(header_timeout: float) -> type[asyncio.Protocol]:
    """What to pass as uvicorn's ``http``: ``HeaderTimeoutProtocol`` with this deadline.

    A ``partial``, not a class made here: uvicorn only calls it with its
    keywords, and with ``--workers`` it pickles the config into each worker
    process, which a partial of a module-level class survives.
    """
    return cast(type[asyncio.Protocol], partial(HeaderTimeoutProtocol, header_timeout=header_timeout))
