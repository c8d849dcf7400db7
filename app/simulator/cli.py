"""``python -m app simulate``: play scripted calls against a running server."""

import argparse
import asyncio
import os
import secrets
import sys
from typing import TextIO

import httpx

from app.core.config import Settings
from app.simulator.agent import ObedientAgent, play_obeying
from app.simulator.client import ApiError, GraphQLClient, token_claims
from app.simulator.dev_tokens import development_tokens
from app.simulator.display import Bars, Display, Lines
from app.simulator.example_rules import ensure_example_rules
from app.simulator.player import PROGRESS_EVERY, CallPlayer, CallState, Supervisor
from app.simulator.script import Script, ScriptError, available, load, resolve

REFRESH_SECONDS = 0.2


def endpoint(host: str, port: int) -> str:
    """The GraphQL URL of a server that ``python -m app serve --host HOST --port PORT`` started."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"  # listening on every interface: this machine's is one of them
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/graphql"


def add_arguments(parser: argparse.ArgumentParser, settings: Settings) -> None:
    # The server is found as `serve` is told where to listen: HOST and PORT, or --host and --port.
    parser.add_argument(
        "--host",
        default=settings.host,
        help="the server's host, as given to serve --host (default: %(default)s; $HOST sets both)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.port,
        help="the server's port, as given to serve --port (default: %(default)s; $PORT sets both)",
    )
    parser.add_argument("--url", help="the GraphQL endpoint, instead of --host and --port")
    parser.add_argument("--calls", type=int, default=1, help="calls to play at once (default: 1)")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="1 plays in real time, 10 ten times faster, 0 without any pause (default: 1)",
    )
    parser.add_argument(
        "--script",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="script to play (repeatable; calls take them in turn); default: every script, see --list",
    )
    parser.add_argument(
        "--stagger",
        type=float,
        default=PROGRESS_EVERY,
        help="seconds of call time between the starts of parallel calls (default: %(default)s)",
    )
    parser.add_argument("--call-prefix", help="callId prefix (default: sim-<random>)")
    parser.add_argument(
        "--token",
        default=os.environ.get("LIVECALLS_TOKEN"),
        help="bearer token, admin role (default: $LIVECALLS_TOKEN, else one signed with the local "
        "development server's secret when it is here)",
    )
    parser.add_argument(
        "--wait", type=float, default=15, help="seconds to wait for the server to be ready (default: 15)"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bars", "lines"),
        default="auto",
        help="bars redrawn in place (a terminal) or a line per change (default: bars on a terminal)",
    )
    parser.add_argument(
        "--no-rules",
        action="store_true",
        help="do not create the example rules (a manager request, a missing recording disclosure, "
        "a long hold) that are missing from the server",
    )
    parser.add_argument("--list", action="store_true", help="list the scripts and exit")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    """The command's exit status: 0 when every call played to its end."""
    if args.list:
        for name, path in available().items():
            script = load(path)
            out.write(f"{name:<20} {script.title} ({len(script.steps)} steps, {script.lines} lines)\n")
        return 0
    if args.calls < 1 or args.speed < 0:
        out.write("--calls is at least 1 and --speed at least 0\n")
        return 2
    try:
        scripts = resolve(args.script)
    except ScriptError as error:
        out.write(f"{error}\n")
        return 2
    if not scripts:
        out.write("no scripts to play\n")
        return 2
    style = args.progress if args.progress != "auto" else ("bars" if out.isatty() else "lines")
    token, monitor_token = args.token, None
    if token is None and (signed := development_tokens(settings)) is not None:
        token, monitor_token = signed.simulator, signed.monitor
    calls = asyncio.run(
        simulate(
            url=args.url or endpoint(args.host, args.port),
            scripts=scripts,
            calls=args.calls,
            speed=args.speed,
            stagger=args.stagger,
            prefix=args.call_prefix or f"sim-{secrets.token_hex(3)}",
            token=token,
            monitor_token=monitor_token,
            wait=args.wait,
            out=out,
            style=style,
            example_rules=not args.no_rules,
        )
    )
    return 0 if calls and all(call.status == "ENDED" for call in calls) else 1


async def _example_rules(url: str, token: str | None) -> str:
    # A client of its own: the progress display counts the calls' requests and errors only.
    client = GraphQLClient(url, token=token)
    try:
        return (await ensure_example_rules(client)).summary()
    finally:
        await client.close()


async def simulate(
    *,
    url: str,
    scripts: list[Script],
    calls: int = 1,
    speed: float = 1.0,
    stagger: float = PROGRESS_EVERY,
    prefix: str = "sim",
    token: str | None = None,
    monitor_token: str | None = None,
    wait: float = 15,
    out: TextIO = sys.stdout,
    style: str = "lines",
    example_rules: bool = False,
) -> list[CallState]:
    """Play ``calls`` calls (scripts taken in turn) at once; each starts ``stagger`` call-seconds apart.

    With ``example_rules``, the example rules missing from the server are created first (the
    command does it unless told ``--no-rules``), so the calls raise alerts to watch."""
    client = GraphQLClient(url, token=token)
    claims = token_claims(token)
    supervisor = (
        Supervisor(claims["sub"], claims.get("name") or claims["sub"]) if "sub" in claims else Supervisor()
    )
    states = [CallState(f"{prefix}-{index + 1}", scripts[index % len(scripts)]) for index in range(calls)]
    try:
        try:
            await client.wait_until_ready(wait)
        except ApiError as error:
            out.write(f"{error}\n")
            return []
        if example_rules:
            out.write(f"{await _example_rules(url, token)}\n")
        link = {"call": states[0].call_id, **({"token": monitor_token} if monitor_token else {})}
        monitor = httpx.URL(url).copy_with(path="/monitor/", params=link)
        out.write(f"Playing {calls} call(s) at speed {speed:g} against {url}\nWatch live: {monitor}\n")
        out.flush()
        display: Display = (Bars if style == "bars" else Lines)(states, client, out)

        async def play(index: int, state: CallState) -> None:
            if speed > 0:
                await asyncio.sleep(index * stagger / speed)
            player = CallPlayer(client, state, speed=speed, supervisor=supervisor)
            await play_obeying(player, ObedientAgent(client, player, token=token))

        players = asyncio.gather(*(play(index, state) for index, state in enumerate(states)))
        while not players.done():
            display.update()
            await asyncio.wait({players}, timeout=REFRESH_SECONDS)
        await players
        display.finish()
        return states
    finally:
        await client.close()
