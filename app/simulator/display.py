"""Progress of the simulated calls: redrawn bars on a terminal, one line per change elsewhere."""

import time
from typing import Protocol, TextIO

from app.simulator.client import GraphQLClient
from app.simulator.player import CallState, timestamp

BAR_WIDTH = 24


class Display(Protocol):
    def update(self) -> None: ...

    def finish(self) -> None: ...


def _summary(calls: list[CallState], client: GraphQLClient, started: float) -> str:
    ended = sum(1 for call in calls if call.status == "ENDED")
    failed = sum(1 for call in calls if call.status == "FAILED")
    seconds = max(time.monotonic() - started, 1e-6)
    return (
        f"{ended}/{len(calls)} calls ended, {failed} failed · {client.sent} requests "
        f"({client.sent / seconds:.0f}/s) · {client.failed} errors"
    )


class Bars:
    """One line per call, redrawn in place (for a terminal)."""

    def __init__(self, calls: list[CallState], client: GraphQLClient, out: TextIO) -> None:
        self.calls = calls
        self.client = client
        self.out = out
        self.started = time.monotonic()
        self.drawn = 0

    def _line(self, call: CallState) -> str:
        filled = round(call.fraction * BAR_WIDTH)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        status = call.status if not call.notes else f"{call.status} ({call.notes[-1]})"
        return (
            f"{call.call_id:<22.22} {call.script.name:<18.18} {bar} {call.fraction:>4.0%} "
            f"{timestamp(call.clock)[3:]} {status:<14} {call.phase:<18.18} {call.lines:>3} lines"
        )

    def update(self) -> None:
        lines = [self._line(call) for call in self.calls]
        lines.append(_summary(self.calls, self.client, self.started))
        lines += [f"  {call.call_id}: {call.error}" for call in self.calls if call.error]
        # Move up over what was drawn last time, then rewrite each line in place.
        prefix = f"\x1b[{self.drawn}F" if self.drawn else ""
        self.out.write(prefix + "".join(f"\x1b[2K{line}\n" for line in lines))
        self.out.flush()
        self.drawn = len(lines)

    def finish(self) -> None:
        self.update()


class Lines:
    """A line whenever a call changes status or phase (for logs and pipes)."""

    def __init__(self, calls: list[CallState], client: GraphQLClient, out: TextIO) -> None:
        self.calls = calls
        self.client = client
        self.out = out
        self.started = time.monotonic()
        self.seen: dict[str, tuple[str, str]] = {}

    def update(self) -> None:
        for call in self.calls:
            now = (call.status, call.phase)
            before = self.seen.get(call.call_id)
            if now == before or call.status == "PENDING":
                continue
            self.seen[call.call_id] = now
            elapsed = timestamp(time.monotonic() - self.started)[3:]
            if call.status == "FAILED":
                change = f"failed: {call.error}"
            elif call.status == "ENDED":
                how = f" ({call.notes[-1]})" if call.notes else ""
                change = f"ended{how} after {timestamp(call.clock)[3:]} of call time, {call.lines} lines"
            elif before is None or before[0] != call.status:
                change = f"status {call.status}"
            else:
                change = f"phase {call.phase}"
            self.out.write(f"[{elapsed}] {call.call_id} ({call.script.name}): {change}\n")
        self.out.flush()

    def finish(self) -> None:
        self.update()
        self.out.write(_summary(self.calls, self.client, self.started) + "\n")
        self.out.flush()
