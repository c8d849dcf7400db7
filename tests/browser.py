"""Headless Chromium driven over the Chrome DevTools Protocol, with nothing but ``websockets``.

Debian's ``chromium`` package is the browser. ``ensure_chromium`` installs it
with apt when it is missing (CI runs as root on a clean Debian machine);
elsewhere a missing browser is an error outside CI only if apt cannot help.
"""

import asyncio
import base64
import itertools
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect

CHROMIUM = Path("/usr/bin/chromium")
# As root in a container: no sandbox; and nothing that phones home or updates itself.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


SHOWN_STATES = (
    "[...document.querySelectorAll('[data-state], [role=alert], [role=status]')]"
    ".map(e => `${e.id || e.tagName}: ${e.dataset.state || e.textContent.trim().slice(0, 120)}`)"
)
"""What a failed wait reports: each element's state and the page's notices."""


class BrowserUnavailable(Exception):
    """Chromium is not installed and cannot be installed here."""


def ensure_chromium() -> Path:
    """The Chromium executable, installed from Debian's packages if need be."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise BrowserUnavailable(f"{CHROMIUM} is missing; install it with `apt-get install chromium`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise BrowserUnavailable(
                f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
    if not CHROMIUM.exists():
        raise BrowserUnavailable(f"apt installed chromium, but {CHROMIUM} is not there")
    return CHROMIUM


class DevToolsError(Exception):
    pass


class Browser:
    """One Chromium process and its DevTools connection."""

    def __init__(self, process: asyncio.subprocess.Process, connection: ClientConnection) -> None:
        self.process = process
        self.connection = connection
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._listeners: list[tuple[str | None, Any]] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def launch(cls, executable: Path, profile: Path, *, within: float = 30) -> "Browser":
        profile.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the browser exists
        log = (profile / "chromium.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            str(executable),
            *FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdout=log,
            stderr=log,
        )
        log.close()
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + within
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if process.returncode is not None or time.monotonic() > deadline:
                process.kill()
                raise DevToolsError(f"Chromium did not start; see {profile / 'chromium.log'}")
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        connection = await connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        return cls(process, connection)

    async def _read(self) -> None:
        async for raw in self.connection:
            message = json.loads(raw)
            if "id" in message:
                future = self._pending.pop(message["id"], None)
                if future is not None and not future.done():
                    if "error" in message:
                        future.set_exception(DevToolsError(message["error"]))
                    else:
                        future.set_result(message.get("result", {}))
            else:
                for session, callback in list(self._listeners):
                    if session is None or session == message.get("sessionId"):
                        callback(message)

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        await self.connection.send(json.dumps(message))
        return await asyncio.wait_for(future, 30)

    async def new_page(self, width: int = 1440, height: int = 1000) -> "Page":
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        page = Page(self, attached["sessionId"])
        self._listeners.append((page.session, page.on_event))
        for domain in ("Page.enable", "Runtime.enable"):
            await page.send(domain)
        await page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return page

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.send("Browser.close"), 5)
        except Exception:
            self.process.kill()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        await self.connection.close()


class Page:
    """One tab: navigate, evaluate JavaScript, click like a mouse, take screenshots."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.errors: list[str] = []
        self._loaded = asyncio.Event()

    def on_event(self, message: dict[str, Any]) -> None:
        method, params = message["method"], message.get("params", {})
        if method == "Page.loadEventFired":
            self._loaded.set()
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(
                " ".join(str(arg.get("value", arg.get("description"))) for arg in params["args"])
            )

    async def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return await self.browser.send(method, params, self.session)

    async def goto(self, url: str) -> None:
        self._loaded.clear()
        await self.send("Page.navigate", {"url": url})
        await asyncio.wait_for(self._loaded.wait(), 30)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, within: float = 20) -> Any:
        """Poll ``expression`` until it is truthy; its value."""
        deadline = time.monotonic() + within
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                states = await self.evaluate(SHOWN_STATES)
                raise AssertionError(
                    f"not true within {within}s: {expression}; the page's states: {states}; "
                    f"its errors: {self.errors}"
                )
            await asyncio.sleep(0.05)

    async def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = await self.wait_for(
            f"""(() => {{
                const element = document.querySelector({json.dumps(selector)});
                if (!element) return null;
                element.scrollIntoView({{block: "center"}});
                const r = element.getBoundingClientRect();
                return r.width && r.height ? {{x: r.x + r.width / 2, y: r.y + r.height / 2}} : null;
            }})()"""
        )
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1},
            )

    async def refuse_other_origins(self, origin: str) -> list[str]:
        """Fail every request this tab makes to another origin than ``origin``, as a machine
        without internet would; the list of refused URLs (kept up to date)."""
        allowed = urlsplit(origin)[:2]
        refused: list[str] = []
        replies: set[asyncio.Task[Any]] = set()

        def on_request(message: dict[str, Any]) -> None:
            if message["method"] != "Fetch.requestPaused":
                return
            request_id, url = message["params"]["requestId"], message["params"]["request"]["url"]
            if urlsplit(url)[:2] == allowed:
                reply = self.send("Fetch.continueRequest", {"requestId": request_id})
            else:
                refused.append(url)
                reply = self.send(
                    "Fetch.failRequest", {"requestId": request_id, "errorReason": "InternetDisconnected"}
                )
            task = asyncio.create_task(reply)
            replies.add(task)
            task.add_done_callback(replies.discard)

        self.browser._listeners.append((self.session, on_request))
        await self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        return refused

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", {"format": "png"})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))  # noqa: ASYNC240 - a test artifact, once
        return path
