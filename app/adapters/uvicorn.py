"""uvicorn internals: a deadline for a request's headers, and a leaner wsproto connection.

Written for uvicorn 0.54.0 with httptools 0.9.0 (tested ranges in ``pyproject.toml``),
the HTTP implementation uvicorn[standard] serves with (its ``http="auto"`` picks
httptools when it is installed). uvicorn times a connection out only while it is
idle between requests (``timeout_keep_alive``, armed when a response completes,
cancelled by the next byte), so a client that connects and sends nothing, or
sends half a request line or half its headers and stops, holds its socket forever.

``HeaderTimeoutProtocol`` is uvicorn's ``HttpToolsProtocol``
(``uvicorn.protocols.http.httptools_impl``, not public API) plus a deadline and
one timer: the deadline is set when the connection is made and when a request's
first byte arrives (httptools' ``on_message_begin``), cleared when its headers
are complete (``on_headers_complete``); the timer closes the connection if the
deadline has passed when it fires. Both stop when the connection is lost or
becomes a WebSocket (``handle_websocket_upgrade``, after which uvicorn's HTTP
protocol hears nothing more of the socket). It relies on those uvicorn
internals: the class, its constructor's keywords, those four methods, and
``self.loop`` / ``self.transport``.

``LeanWSProtocol`` is uvicorn's wsproto protocol (``uvicorn.protocols.websockets.wsproto_impl``
``WSProtocol``, wsproto 1.3.2) holding an open WebSocket in about 6 KB less, for a server holding
ten thousand idle subscriptions. An empty ``collections.deque`` is a 760-byte block, and each
connection kept eight: four in its receive ``asyncio.Queue`` (its items, getters, putters and
``join``'s event), one in its ``writable`` ``asyncio.Event``, and three in the wsproto objects
that only the opening handshake uses (wsproto's ``H11Handshake`` with its ``h11.Connection``,
held by ``WSConnection.handshake`` for the socket's whole life). Here the queue and the event
are a list and futures made only while someone waits, and once the handshake is accepted
``conn`` is the established ``wsproto.connection.Connection`` itself, which has the four
members uvicorn uses (``send``, ``receive_data``, ``events``, ``state``). It relies on:
``WSProtocol``'s constructor, its ``queue`` (``put_nowait``, ``get``, ``empty``), ``writable``
(``set``, ``clear``, ``wait``), ``conn`` and ``send``; and on ``WSConnection.connection``
being set by the accept, with no handshake event left queued by then (uvicorn drains them
as each read arrives, before the application can accept).

``LeanWSProtocol`` also puts ``send_text_now`` in its scope's ``extensions`` (under
``SEND_TEXT_NOW``): a text frame written to the transport at once, for the subscription fast
path (``app.graphql.fanout``), which sends one event to a thousand sockets in one loop. The
ASGI way is a coroutine per frame through every middleware's ``send`` and Starlette's
``WebSocket``, each a frame of Python that only the accept and the close need; that was about a
third of the fast path's CPU per frame. It does what ``WSProtocol.send`` does for a
``websocket.send`` once the socket is accepted (``conn.send`` of a ``wsproto`` ``Message``,
``transport.write``), and declines (returns ``False``) whenever that send would do anything
else: wait for a full buffer (``writable`` closed), raise for a disconnected socket, or refuse
after a close; the caller then sends the ASGI way, which does those as before. It relies on
``WSProtocol``'s ``scope`` being built in ``handle_connect`` before the application's task
starts, and on its ``handshake_complete``, ``close_sent``, ``response_started``,
``disconnected``, ``conn`` and ``transport``.

``tests/adapters/test_uvicorn.py`` checks them; re-read
``uvicorn/protocols/http/httptools_impl.py`` and ``.../websockets/wsproto_impl.py`` when it
fails after an upgrade.
"""

import asyncio
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Generic, TypeVar, cast

from uvicorn._types import ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from uvicorn.server import ServerState
from wsproto import WSConnection, events
from wsproto.connection import ConnectionState

__all__ = [
    "SEND_TEXT_NOW",
    "HeaderTimeoutProtocol",
    "LeanWSProtocol",
    "header_timeout_protocol",
    "text_sender_now",
    "ws_protocol",
]

T = TypeVar("T")


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers take too long.

    One timer per connection, not one per request: a request only moves the deadline (its first
    byte sets it, its complete headers clear it), and the timer, when it fires, closes the
    connection if a deadline has passed, waits on for one still ahead, or lapses if none is
    set (the next request's first byte arms it again). Arming and cancelling a timer for
    every request of a keep-alive connection cost more than the check it stands for.
    """

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_deadline: float | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_due()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self) -> None:
        # The socket becomes a WebSocket protocol's, and this one would never hear of it again: a
        # timer left armed would hold it (and its request's state) until it fired.
        self._stop_header_timer()
        super().handle_websocket_upgrade()

    def _stop_header_timer(self) -> None:
        self._header_deadline = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_deadline is None:
            self._headers_due()

    def on_headers_complete(self) -> None:
        self._header_deadline = None
        super().on_headers_complete()

    def _headers_due(self) -> None:
        self._header_deadline = deadline = self.loop.time() + self.header_timeout
        if self._header_timer is None:
            self._header_timer = self.loop.call_at(deadline, self._check_headers)

    def _check_headers(self) -> None:
        self._header_timer = None
        deadline = self._header_deadline
        if deadline is None:
            return
        if self.loop.time() < deadline:
            self._header_timer = self.loop.call_at(deadline, self._check_headers)
        elif not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(header_timeout: float) -> type[asyncio.Protocol]:
    """What to pass as uvicorn's ``http``: ``HeaderTimeoutProtocol`` with this deadline.

    A ``partial``, not a class made here: uvicorn only calls it with its
    keywords, and with ``--workers`` it pickles the config into each worker
    process, which a partial of a module-level class survives.
    """
    return cast(type[asyncio.Protocol], partial(HeaderTimeoutProtocol, header_timeout=header_timeout))


class _Waiters:
    """Futures of the coroutines waiting, made only while one waits; all woken at once, and each
    checks again what it waits for, so a waiter cancelled after its wake-up loses nobody's."""

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] | None = None

    def _waiter(self) -> "asyncio.Future[None]":
        """A future to await (in the caller's own frame: a coroutine more per idle socket is not
        free), then give to ``_forget`` however the wait ended."""
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        return waiter

    def _forget(self, waiter: "asyncio.Future[None]") -> None:
        waiters = self._waiters
        if waiters is not None:
            waiters.remove(waiter)
            if not waiters:
                self._waiters = None

    def _wake(self) -> None:
        for waiter in self._waiters or ():
            if not waiter.done():
                waiter.set_result(None)


class _Inbox(_Waiters, Generic[T]):
    """The ``asyncio.Queue`` uvicorn's WSProtocol passes ASGI events through, as far as it uses one."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[T] = []

    def put_nowait(self, item: T) -> None:
        self._items.append(item)
        self._wake()

    async def get(self) -> T:
        while not self._items:
            waiter = self._waiter()
            try:
                await waiter
            finally:
                self._forget(waiter)
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class _Gate(_Waiters):
    """The ``asyncio.Event`` WSProtocol's sends wait on while the transport's buffer is full.

    ``wait`` on an open gate returns without suspending, as the event's does: a send into a
    socket that takes it finishes in one step (``app.graphql.fanout`` relies on that).
    """

    __slots__ = ("_open",)

    def __init__(self) -> None:
        super().__init__()
        self._open = True

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        self._wake()

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> bool:
        while not self._open:
            waiter = self._waiter()
            try:
                await waiter
            finally:
                self._forget(waiter)
        return True


class LeanWSProtocol(WSProtocol):
    """uvicorn's wsproto WebSocket protocol, without the per-connection deques it never needs."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = cast("asyncio.Queue[Any]", _Inbox())
        self.writable = cast(asyncio.Event, _Gate())

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if isinstance(self.conn, WSConnection) and self.conn.connection is not None:
            # The handshake's objects go; the established connection takes the frames.
            self.conn = cast(Any, self.conn.connection)

    def handle_connect(self, event: events.Request) -> None:
        super().handle_connect(event)
        extensions: dict[str, Any] = self.scope.setdefault("extensions", {})
        extensions[SEND_TEXT_NOW] = self.send_text_now

    def send_text_now(self, text: str) -> bool:
        """Write a text frame now, as ``send`` would; ``False`` (nothing written) when ``send``
        would wait, raise or refuse."""
        if (
            not self.handshake_complete
            or self.close_sent
            or self.response_started
            or self.disconnected
            or not self.writable.is_set()
            or self.transport.is_closing()
            or self.conn.state is not ConnectionState.OPEN
        ):
            return False
        self.transport.write(self.conn.send(events.Message(data=text)))
        return True


SEND_TEXT_NOW = "live_call_monitor.websocket.send_text_now"
"""The scope extension ``LeanWSProtocol`` sets: ``send_text_now(text) -> bool``."""


def text_sender_now(scope: Mapping[str, Any]) -> Callable[[str], bool] | None:
    """The socket's ``send_text_now``, when its server is ``LeanWSProtocol``."""
    extensions = scope.get("extensions") or {}
    sender = extensions.get(SEND_TEXT_NOW)
    return cast("Callable[[str], bool] | None", sender)


def ws_protocol(implementation: str) -> type[asyncio.Protocol] | str:
    """What to pass as uvicorn's ``ws`` for ``WS_IMPLEMENTATION``: wsproto is ``LeanWSProtocol``."""
    return LeanWSProtocol if implementation == "wsproto" else implementation
