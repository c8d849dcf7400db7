"""Plays one script as one call: the voice pipeline's writes, paced on a call clock.

The call clock is in seconds of call time. At ``speed`` 1 it runs with the wall
clock, at 10 ten times faster, at 0 without waiting at all; what is sent does
not depend on the speed. A spoken line takes the time its words take to say and
is streamed as speech-to-text would: interim lines that grow a few words at a
time under one ``segmentId``, then the final line. Every ``PROGRESS_EVERY``
seconds of call time the pipeline reports duration and audio levels, and now and
then the latency of its services.
"""

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

from app.simulator import operations as ops
from app.simulator.client import ApiError, GraphQLClient
from app.simulator.script import Script, Step

WORDS_PER_SECOND = 2.6
INTERIM_EVERY_WORDS = 4
PROGRESS_EVERY = 5.0
HEALTH_EVERY_TICKS = 3


@dataclass(frozen=True)
class Supervisor:
    """Who the script's supervisor actions are by. With a token it is the token's subject:
    the server refuses a supervisorId that is not the caller's."""

    id: str = "sim-supervisor"
    name: str | None = None  # None: the step's "name", else DEFAULT_SUPERVISOR_NAME


DEFAULT_SUPERVISOR_NAME = "Sam Rivera (simulated)"


@dataclass
class CallState:
    """What the progress display shows about one simulated call."""

    call_id: str
    script: Script
    status: str = "PENDING"
    phase: str = ""
    steps_done: int = 0
    lines: int = 0
    clock: float = 0.0
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status in ("ENDED", "FAILED")

    @property
    def fraction(self) -> float:
        return self.steps_done / len(self.script.steps)


class EndedElsewhere(Exception):
    """Someone else (a supervisor's END_CALL) ended the call while it was playing."""


def timestamp(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def request_for(step: Step, supervisor: Supervisor = Supervisor()) -> tuple[str, dict[str, Any]]:
    """The mutation a step sends and its variables (``callId`` aside).

    A spoken line sends this as its final line, after the interim ones.
    """
    match step.kind:
        case "agent" | "customer":
            line = {"timestamp": "00:00:00", "speaker": step.speaker, "text": step.value, "isFinal": True}
            extra = {"sentiment": step.options.get("sentiment"), "confidence": step.options.get("confidence")}
            return ops.LINE, {**line, **extra, "segmentId": "segment"}
        case "status":
            return ops.STATUS, {"status": step.value}
        case "phase":
            return ops.PHASE, {"phase": step.value, "quality": step.options.get("quality")}
        case "objective":
            which = "order" if isinstance(step.value, int) else "objective"
            return ops.OBJECTIVE, {which: step.value, "status": step.options["to"]}
        case "metrics":
            return ops.METRICS, {"metrics": step.value}
        case "coach":
            return ops.COACH, dict(step.value)
        case "supervisor":
            return ops.SUPERVISOR, {
                "supervisorId": supervisor.id,
                "supervisorName": supervisor.name or step.options.get("name", DEFAULT_SUPERVISOR_NAME),
                "action": step.value,
                "details": step.options.get("details"),
            }
        case "system":
            return ops.SYSTEM, dict(step.value)
        case "recording":
            return ops.RECORDING, {"isRecording": bool(step.value)}
        case "end":
            return ops.END, {}
    raise AssertionError(f"unknown step kind {step.kind}")


class CallPlayer:
    def __init__(
        self, client: GraphQLClient, state: CallState, *, speed: float, supervisor: Supervisor = Supervisor()
    ) -> None:
        self.client = client
        self.supervisor = supervisor
        self.state = state
        self.speed = speed
        self.call_id = state.call_id
        self.random = random.Random(state.call_id)
        self._started_at = 0.0
        self._next_tick = PROGRESS_EVERY
        self._ticks = 0
        self._segments = 0
        self._speaker: str | None = None
        self.started = asyncio.Event()
        """Set once the call exists: its instructions can be followed from then on."""
        self.coached: set[str] = set()
        """The texts of the COACH instructions its own coach steps made: its next lines act on them."""

    async def play(self) -> CallState:
        """Play the whole script; the state says how it went (``ENDED`` or ``FAILED``)."""
        self._started_at = asyncio.get_running_loop().time()
        try:
            await self._send(ops.START, **self._start_arguments())
            self.state.status = "CONNECTING"
            self.started.set()
            for step in self.state.script.steps:
                await self._advance(step.wait)
                await self._play(step)
                self.state.steps_done += 1
        except EndedElsewhere:
            self.state.status = "ENDED"
            self.state.notes.append("ended by a supervisor")
        except ApiError as error:
            if await self._ended_elsewhere():
                self.state.status = "ENDED"
                self.state.notes.append("ended by a supervisor")
            else:
                self.state.status = "FAILED"
                self.state.error = str(error)
        return self.state

    async def _ended_elsewhere(self) -> bool:
        """Whether a failed write failed because someone else had ended the call."""
        if self.state.status == "PENDING" or self.state.script.steps[self.state.steps_done].kind == "end":
            return False
        try:
            data = await self._send(ops.CALL_STATUS)
        except ApiError:
            return False
        return (data["liveCall"] or {}).get("status") == "ENDED"

    def _start_arguments(self) -> dict[str, Any]:
        call = self.state.script.call
        return {
            "sessionId": f"session-{self.call_id}",
            "campaignId": call.get("campaignId"),
            "sipEndpoint": call.get("sipEndpoint"),
            **{key: call[key] for key in ("agentName", "customerName", "customerPhone", "campaignName")},
        }

    async def _send(self, query: str, **variables: Any) -> dict[str, Any]:
        return await self.client.execute(query, callId=self.call_id, **variables)

    async def _play(self, step: Step) -> None:
        if step.speaker is not None:
            await self._say(step)
            return
        query, variables = request_for(step, self.supervisor)
        if step.kind == "coach":
            self.coached.add(f"{variables['title']}: {variables['description']}")
        data = await self._send(query, **variables)
        match step.kind:
            case "status":
                self.state.status = data["updateCallStatus"]["status"]
            case "phase":
                self.state.phase = data["updateCallPhase"]["currentPhase"]
                self._check_not_ended(data["updateCallPhase"]["status"])
            case "end":
                self.state.status = data["endLiveCall"]["status"]

    async def _say(self, step: Step) -> None:
        """One spoken line: interim guesses as the words come, then the final text."""
        assert step.speaker is not None
        self._speaker = step.speaker
        self._segments += 1
        segment = f"{self.call_id}-{self._segments}"
        started = timestamp(self.state.clock)
        words = step.value.split()
        line = {"timestamp": started, "speaker": step.speaker, "segmentId": segment}
        spoken = 0
        if step.options.get("interim", True):
            for count in range(INTERIM_EVERY_WORDS, len(words), INTERIM_EVERY_WORDS):
                await self._advance((count - spoken) / WORDS_PER_SECOND)
                spoken = count
                guess = " ".join(words[:count])
                await self._send(
                    ops.LINE, text=guess, isFinal=False, confidence=self._confidence(0.6), **line
                )
        await self._advance(max(len(words) - spoken, 1) / WORDS_PER_SECOND)
        await self._send(
            ops.LINE,
            text=step.value,
            isFinal=True,
            sentiment=step.options.get("sentiment"),
            confidence=step.options.get("confidence", self._confidence(0.88)),
            **line,
        )
        self.state.lines += 1
        self._speaker = None

    def _confidence(self, floor: float) -> float:
        return round(self.random.uniform(floor, min(floor + 0.1, 0.99)), 2)

    async def _advance(self, seconds: float) -> None:
        """Let ``seconds`` of call time pass, reporting progress on the way."""
        target = self.state.clock + seconds
        while self._next_tick <= target:
            await self._sleep_until(self._next_tick)
            self.state.clock = self._next_tick
            await self._report_progress()
            self._next_tick += PROGRESS_EVERY
        await self._sleep_until(target)
        self.state.clock = target

    async def _sleep_until(self, call_time: float) -> None:
        if self.speed <= 0:
            return
        loop = asyncio.get_running_loop()
        delay = self._started_at + call_time / self.speed - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _report_progress(self) -> None:
        if self.state.status in ("CONNECTING", "RINGING"):
            return  # nobody is talking yet: the pipeline has no levels to report
        talking = {"AGENT": (68, 14), "CUSTOMER": (16, 64)}.get(self._speaker or "", (22, 20))
        data = await self._send(
            ops.PROGRESS,
            duration=round(self.state.clock, 1),
            agentGain=self._gain(talking[0]),
            customerGain=self._gain(talking[1]),
        )
        self._check_not_ended(data["updateCallProgress"]["status"])
        self._ticks += 1
        if self._ticks % HEALTH_EVERY_TICKS == 0:
            await self._send(ops.SYSTEM, service="LLM", status="ACTIVE", latency=self._latency(320, 90))
            await self._send(ops.SYSTEM, service="STT", status="STREAMING", latency=self._latency(140, 40))

    def _gain(self, centre: float) -> float:
        """An audio level, 0 to 100, around ``centre``."""
        return round(max(0.0, min(100.0, self.random.gauss(centre, 8))), 1)

    def _latency(self, centre: float, spread: float) -> float:
        """Milliseconds, around ``centre``."""
        return round(max(1.0, self.random.gauss(centre, spread)), 1)

    def _check_not_ended(self, status: str) -> None:
        if status == "ENDED" and self.state.script.steps[self.state.steps_done].kind != "end":
            raise EndedElsewhere
