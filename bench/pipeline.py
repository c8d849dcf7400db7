"""Simulated voice pipelines: each call's mutations on a realistic schedule, from a lean HTTP client.

Per call (issue 18): a final transcript line every 3 s with two or three
interim updates of it before (same ``segmentId``), ``updateCallProgress``
every second, ``updatePerformanceMetrics`` every 5 s, a status change to
CONNECTED at the start, a phase change every ``phase_every`` seconds, and
``endLiveCall`` at the end. Calls are spread over the period so their requests
do not arrive in lock-step.

The requests are encoded up front and written on plain keep-alive HTTP/1.1
connections (a few dozen microseconds of client CPU each, where httpx spends
several hundred), so that hundreds of calls' pipelines fit on the client's
core beside the subscribers.
"""

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.api import authorization

LINE = """
mutation Line($callId: String!, $text: String!, $speaker: Speaker!, $final: Boolean!,
              $segment: String!, $sentiment: Sentiment) {
  addTranscriptEntry(callId: $callId, timestamp: "00:00:01", speaker: $speaker, text: $text,
                     sentiment: $sentiment, confidence: 0.93, isFinal: $final, segmentId: $segment) {
    order isFinal
  }
}
"""
PROGRESS = """
mutation Progress($callId: String!, $duration: Float!) {
  updateCallProgress(callId: $callId, duration: $duration, agentGain: 61, customerGain: 55) { duration }
}
"""
METRICS = """
mutation Metrics($callId: String!, $adherence: Float!) {
  updatePerformanceMetrics(callId: $callId,
                           metrics: {scriptAdherence: $adherence, conversionProbability: 37}) {
    scriptAdherence
  }
}
"""
STATUS = """
mutation Status($callId: String!) { updateCallStatus(callId: $callId, status: CONNECTED) { status } }
"""
PHASE = """
mutation Phase($callId: String!, $phase: String!) {
  updateCallPhase(callId: $callId, phase: $phase, quality: GOOD) { currentPhase }
}
"""
END = """
mutation End($callId: String!) { endLiveCall(callId: $callId) { status } }
"""
PHASES = ("Discovery", "Value Proposition", "Objection Handling", "Closing")
_WORDS = ("we are", "reviewing the budget", "next quarter", "honestly, and the team", "would like a demo")
_SENTIMENTS = ("POSITIVE", "NEUTRAL", "NEGATIVE", None)

LINE_EVERY = 3.0
PROGRESS_EVERY = 1.0
METRICS_EVERY = 5.0


@dataclass(frozen=True, order=True)
class Request:
    at: float
    """Seconds after the start."""
    call_id: str = field(compare=False)
    body: bytes = field(compare=False)
    final: bool = field(default=False, compare=False)
    """A final transcript line: its answer names the line's order, for line-to-screen."""


def _body(query: str, **variables: Any) -> bytes:
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":")).encode()


def schedule(
    call_ids: list[str], seconds: float, *, phase_every: float = 10.0, seed: int = 18
) -> list[Request]:
    """Every call's requests over ``seconds``, in the order they are due."""
    chance = random.Random(seed)
    requests: list[Request] = []
    for call_id in call_ids:
        offset = chance.uniform(0, LINE_EVERY)
        requests.append(Request(offset * 0.1, call_id, _body(STATUS, callId=call_id)))
        t = offset
        n = 0
        while t + LINE_EVERY < seconds:
            segment = f"{call_id}-{n}"
            speaker = "AGENT" if n % 2 else "CUSTOMER"
            interims = 2 + n % 2
            for k in range(interims):
                text = " ".join(_WORDS[: k + 2])
                at = t + LINE_EVERY * (k + 1) / (interims + 1)
                body = _body(LINE, callId=call_id, text=text, speaker=speaker, final=False, segment=segment)
                requests.append(Request(at, call_id, body))
            text = " ".join(_WORDS)
            sentiment = _SENTIMENTS[n % len(_SENTIMENTS)]
            body = _body(
                LINE,
                callId=call_id,
                text=text,
                speaker=speaker,
                final=True,
                segment=segment,
                sentiment=sentiment,
            )
            requests.append(Request(t + LINE_EVERY, call_id, body, final=True))
            t += LINE_EVERY
            n += 1
        for k in range(1, int(seconds / PROGRESS_EVERY)):
            at = offset / LINE_EVERY + k * PROGRESS_EVERY
            requests.append(Request(at, call_id, _body(PROGRESS, callId=call_id, duration=at)))
        for k in range(1, int(seconds / METRICS_EVERY)):
            at = offset + k * METRICS_EVERY
            requests.append(Request(at, call_id, _body(METRICS, callId=call_id, adherence=80 + k % 20)))
        for k, phase in enumerate(PHASES):
            at = offset + (k + 1) * phase_every
            if at < seconds - 1:
                requests.append(Request(at, call_id, _body(PHASE, callId=call_id, phase=phase)))
        requests.append(Request(seconds, call_id, _body(END, callId=call_id)))
    return sorted(requests)


@dataclass
class Outcome:
    """What the pipelines saw: when each final line was sent and answered, by (call, order)."""

    sent: int = 0
    answered: int = 0
    errors: list[str] = field(default_factory=list)
    final_sent_at: dict[tuple[str, int], float] = field(default_factory=dict)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def exchange(self, request: bytes) -> bytes:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for header in head.split(b"\r\n")[1:]:
            name, _, value = header.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if not head.startswith(b"HTTP/1.1 200"):
            body = await self.reader.readexactly(length)
            raise RuntimeError(f"{head.splitlines()[0]!r}: {body[:200]!r}")
        return await self.reader.readexactly(length)


async def play(
    url: str,
    token: str | None,
    requests: list[Request],
    *,
    connections: int = 32,
    began: float | None = None,
) -> Outcome:
    """Send ``requests`` on schedule over ``connections`` keep-alive connections.

    A request whose time has come waits for its call's connection, as a
    pipeline's would; its line-to-screen time still counts from when it was due.
    """
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in authorization(token).items())
    ).encode()
    outcome = Outcome()
    # A call's requests go over one connection, in order, as its pipeline's would: its
    # segment's updates must not overtake one another.
    queues: list[asyncio.Queue[tuple[Request, float] | None]] = [asyncio.Queue() for _ in range(connections)]
    lanes: dict[str, int] = {}

    async def worker(queue: asyncio.Queue[tuple[Request, float] | None]) -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        connection = _Connection(reader, writer)
        try:
            while (item := await queue.get()) is not None:
                request, due = item
                body = await connection.exchange(
                    head + b"Content-Length: %d\r\n\r\n" % len(request.body) + request.body
                )
                outcome.answered += 1
                if b'"errors"' in body:
                    outcome.errors.append(body[:300].decode(errors="replace"))
                elif request.final:
                    order = json.loads(body)["data"]["addTranscriptEntry"]["order"]
                    outcome.final_sent_at[(request.call_id, order)] = due
        finally:
            writer.close()

    workers = [asyncio.create_task(worker(queue)) for queue in queues]
    start = time.monotonic() if began is None else began
    for request in requests:
        due = start + request.at
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        lane = lanes.setdefault(request.call_id, len(lanes) % connections)
        queues[lane].put_nowait((request, due))
        outcome.sent += 1
    for queue in queues:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return outcome
