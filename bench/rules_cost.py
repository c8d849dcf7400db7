"""8. Rules cost: server CPU per addTranscriptEntry with 1,000 enabled phrase rules ÷ with none.

Two API servers side by side (one uvicorn worker each, SQLite file, memory:// pub/sub),
the same wrk load as benchmark 7 (ordinary speech, every line final), one with no rule,
one with 1,000 enabled global phrase rules of three phrases each, loaded in turns. Every line goes through the
one Aho-Corasick automaton over all 3,000 phrases; no phrase is said, so no alert is
raised and the figure is the cost of matching, not of firing. The figure is the ratio of
the server's own CPU time per append.
"""

from pathlib import Path

import uvloop

from bench import wrk
from bench.api import Api
from bench.load import FULL, SMOKE, in_turns, start_calls
from bench.redaction_cost import speech_bodies
from bench.report import Benchmark, Figure, ms
from bench.servers import Server, app_server

TARGET = 1.10
RULES = 1_000
SMOKE_RULES = 20
CREATE_RULE = """
mutation Rule($name: String!, $phrases: [String!]!) {
  createRule(input: {name: $name, severity: WARNING, condition: {phrasesSaid: {phrases: $phrases}}}) { id }
}
"""


async def _create_rules(server: Server, count: int) -> None:
    async with Api(server.http_url, server.token) as api:
        for n in range(count):
            phrases = [f"escalate {n} now", f"cancel plan {n}", f"code word {n}"]
            await api.data(CREATE_RULE, name=f"rule {n}", phrases=phrases)


def run(workdir: Path, smoke: bool) -> Figure:
    sizes = SMOKE if smoke else FULL
    rules = SMOKE_RULES if smoke else RULES
    wrk.ensure()
    with (
        app_server(workdir, "no-rules", REDACT="[]") as bare,
        app_server(workdir, "rules", REDACT="[]") as ruled,
    ):
        uvloop.run(_create_rules(ruled, rules))
        for server in (bare, ruled):
            uvloop.run(start_calls(server, sizes.calls))
        per_bare, per_ruled = in_turns(bare, ruled, speech_bodies(sizes.calls), sizes, workdir)
    ratio = per_ruled / per_bare
    return Figure(
        number=8,
        name=BENCHMARK.name,
        value=f"{ratio:.2f}",
        detail=(
            f"server CPU per addTranscriptEntry {ms(per_ruled)} with {rules:,} enabled phrase rules "
            f"({rules * 3:,} phrases) ÷ {ms(per_bare)} with none; wrk, {sizes.connections} connections, "
            f"{sizes.seconds:g} s per turn, two turns each (none, rules, rules, none); no phrase is said "
            "(the cost of matching every line)"
        ),
        target=BENCHMARK.target,
        met=ratio <= TARGET,
    )


BENCHMARK = Benchmark(number=8, name="rules cost", target=f"≤ {TARGET:.2f}", run=run)
