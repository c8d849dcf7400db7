"""7. Redaction cost: server CPU per addTranscriptEntry with every kind redacted ÷ with none.

Two API servers (one uvicorn worker, SQLite file, memory:// pub/sub), one with
``REDACT='[]'``, one with every kind of sensitive data redacted, both up and
loaded in turns (none, redacted, redacted, none) with the same wrk load as
benchmark 2, as benchmark 8 loads its two. The lines are what a call mostly says
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
from bench.load import FULL, SMOKE, in_turns, start_calls
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


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    wrk.ensure()
    with (
        app_server(workdir, "plain", REDACT="[]") as plain,
        app_server(workdir, "redacted", REDACT=EVERY_KIND) as redacted,
    ):
        for server in (plain, redacted):
            uvloop.run(start_calls(server, sizes.calls))
        per_plain, per_redacted = in_turns(plain, redacted, speech_bodies(sizes.calls), sizes, workdir)
    ratio = per_redacted / per_plain
    return Figure(
        number=7,
        name=BENCHMARK.name,
        value=f"{ratio:.2f}",
        detail=(
            f"server CPU per addTranscriptEntry {ms(per_redacted)} with every kind redacted ÷ "
            f"{ms(per_plain)} with none; wrk, {sizes.connections} connections, {sizes.seconds:g} s per "
            "turn, two turns each (none, redacted, redacted, none); one line in eight holds a card, "
            "phone or SSN"
        ),
        target=BENCHMARK.target,
        met=ratio <= TARGET,
    )


BENCHMARK = Benchmark(number=7, name="redaction cost", target=f"≤ {TARGET:.2f}", run=run)
