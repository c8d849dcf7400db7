"""7. Redaction cost: server CPU per addTranscriptEntry with every kind redacted ÷ with none.

Two API servers in turn (one uvicorn worker, SQLite file, memory:// pub/sub),
the same wrk load as benchmark 2: first with ``REDACT='[]'``, then with every
kind of sensitive data redacted. The lines are what a call mostly says
(ordinary speech), with one in eight holding a card number, a phone number or
an SSN. The figure is the ratio of the server's own CPU time per append.
"""

import json
from pathlib import Path
from typing import Any

import uvloop

from app.redaction.entities import Entity
from bench import wrk
from bench.api import ADD_LINE
from bench.load import FULL, SMOKE, Sizes, load, start_calls
from bench.report import Benchmark, Figure, ms
from bench.servers import app_server

TARGET = 1.15
EVERY_KIND = json.dumps(sorted(Entity))
SPEECH = (
    "We are reviewing the budget next quarter, honestly.",
    "That sounds good, can you tell me more about the pricing?",
    "I'd need to check with my manager before we sign anything.",
    "Sure, my card number is 4111 1111 1111 1111.",
    "We have about 250 seats across three offices.",
    "Can you call me back on 415 555 2671 tomorrow?",
    "The demo on Thursday at 3:30 works for me.",
    "My social is 536-90-4399, if you need it.",
)


def speech_bodies(calls: int) -> list[dict[str, Any]]:
    return [
        {"query": ADD_LINE, "variables": {"callId": f"call-{n}", "text": text, "speaker": "CUSTOMER"}}
        for text in SPEECH
        for n in range(calls)
    ]


def _measure(workdir: Path, sizes: Sizes, name: str, redact: str) -> wrk.Result:
    with app_server(workdir, name, REDACT=redact) as server:
        uvloop.run(start_calls(server, sizes.calls))
        return load(server, speech_bodies(sizes.calls), sizes, workdir)


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    wrk.ensure()
    plain = _measure(workdir, sizes, "plain", "[]")
    redacted = _measure(workdir, sizes, "redacted", EVERY_KIND)
    ratio = redacted.server_cpu / plain.server_cpu
    return Figure(
        number=7,
        name=BENCHMARK.name,
        value=f"{ratio:.2f}",
        detail=(
            f"server CPU per addTranscriptEntry {ms(redacted.server_cpu)} with every kind redacted ÷ "
            f"{ms(plain.server_cpu)} with none ({redacted.per_second:,.0f}/s vs {plain.per_second:,.0f}/s); "
            f"wrk, {sizes.connections} connections, {sizes.seconds:g} s each; one line in eight holds a "
            "card, phone or SSN"
        ),
        target=BENCHMARK.target,
        met=ratio <= TARGET,
    )


BENCHMARK = Benchmark(number=7, name="redaction cost", target=f"≤ {TARGET:.2f}", run=run)
