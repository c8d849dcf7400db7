"""Call scripts: JSON files describing one call from ring to hang-up.

A script is ``{"title", "call": {startLiveCall arguments}, "steps": [...]}``. Each
step is an object with exactly one of these keys, and optionally ``"wait"``
(seconds of call time before it; a spoken line waits 0.8 s by default):

- ``"status": "RINGING"``: updateCallStatus
- ``"agent": "text"`` or ``"customer": "text"``: a spoken line, sent as interim
  lines growing word by word, then the final line of the same ``segmentId``;
  with ``"sentiment"``, ``"confidence"`` and ``"interim": false`` to send only the final
- ``"phase": "Discovery"``: updateCallPhase, with ``"quality"`` for the phase it completes
- ``"objective": 0`` (its order) or ``"objective": "its text"``, with ``"to"``: ``"IN_PROGRESS"``,
  ``"COMPLETED"`` or ``"MISSED"``: updateCallObjective (a campaign's objectives, else the spec's five)
- ``"metrics": {...}``: updatePerformanceMetrics (PerformanceMetricsInput fields)
- ``"coach": {"type", "title", "description", "priority"}``: addCoachingRecommendation
- ``"supervisor": "BOOKMARK_MOMENT"``: addSupervisorAction, with ``"details"`` and ``"name"``
- ``"system": {"service", "status", "latency", "errorRate"}``: updateSystemStatus
- ``"recording": true``: toggleRecording
- ``"end": true``: endLiveCall

To add a script, drop a ``.json`` file in ``app/simulator/scripts/``; its file
name (without ``.json``) is the name ``--script`` takes.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).parent / "scripts"

CALL_FIELDS = {"agentName", "customerName", "customerPhone", "campaignName", "campaignId", "sipEndpoint"}
REQUIRED_CALL_FIELDS = {"agentName", "customerName", "customerPhone", "campaignName"}
SPEAKERS = {"agent": "AGENT", "customer": "CUSTOMER"}
# Each kind of step, with the other keys it may carry.
KINDS: dict[str, set[str]] = {
    "status": set(),
    "agent": {"sentiment", "confidence", "interim"},
    "customer": {"sentiment", "confidence", "interim"},
    "phase": {"quality"},
    "objective": {"to"},
    "metrics": set(),
    "coach": set(),
    "supervisor": {"details", "name"},
    "system": set(),
    "recording": set(),
    "end": set(),
}
SENTIMENTS = {"POSITIVE", "NEUTRAL", "NEGATIVE"}
STATUSES = {"CONNECTING", "RINGING", "CONNECTED", "ON_HOLD", "TRANSFERRING"}
OBJECTIVE_MOVES = {"IN_PROGRESS", "COMPLETED", "MISSED"}
DEFAULT_LINE_WAIT = 0.8


class ScriptError(ValueError):
    """A script file that cannot be played, with the file and step that are wrong."""


@dataclass(frozen=True)
class Step:
    kind: str
    value: Any
    wait: float
    options: dict[str, Any]

    @property
    def speaker(self) -> str | None:
        return SPEAKERS.get(self.kind)


@dataclass(frozen=True)
class Script:
    name: str
    title: str
    call: dict[str, Any]
    steps: tuple[Step, ...]

    @property
    def lines(self) -> int:
        return sum(1 for step in self.steps if step.speaker)


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict):
        raise ScriptError(f"{where}: a step is a JSON object")
    kinds = [key for key in raw if key in KINDS]
    if len(kinds) != 1:
        raise ScriptError(f"{where}: a step has exactly one of {', '.join(sorted(KINDS))}; got {sorted(raw)}")
    kind = kinds[0]
    unknown = set(raw) - {kind, "wait"} - KINDS[kind]
    if unknown:
        raise ScriptError(f"{where}: unknown key(s) {sorted(unknown)} for a {kind!r} step")
    value = raw[kind]
    if kind in SPEAKERS and (not isinstance(value, str) or not value.strip()):
        raise ScriptError(f"{where}: {kind!r} is the text spoken")
    if kind in SPEAKERS and raw.get("sentiment", "NEUTRAL") not in SENTIMENTS:
        raise ScriptError(f"{where}: sentiment is one of {sorted(SENTIMENTS)}")
    if kind == "status" and value not in STATUSES:
        raise ScriptError(f"{where}: status is one of {sorted(STATUSES)} (end the call with an 'end' step)")
    if kind == "objective" and not (
        (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        or (isinstance(value, str) and value.strip())
    ):
        raise ScriptError(f"{where}: 'objective' is the objective's order (0, 1, …) or its text")
    if kind == "objective" and raw.get("to") not in OBJECTIVE_MOVES:
        raise ScriptError(f"{where}: an objective goes 'to' one of {sorted(OBJECTIVE_MOVES)}")
    if kind in ("metrics", "coach", "system") and not isinstance(value, dict):
        raise ScriptError(f"{where}: {kind!r} takes an object of the mutation's arguments")
    wait = raw.get("wait", DEFAULT_LINE_WAIT if kind in SPEAKERS else 0)
    if not isinstance(wait, int | float) or wait < 0:
        raise ScriptError(f"{where}: wait is a number of seconds ≥ 0")
    options = {key: item for key, item in raw.items() if key not in (kind, "wait")}
    return Step(kind=kind, value=value, wait=float(wait), options=options)


def parse(name: str, data: Any) -> Script:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise ScriptError(f"{name}: a script is an object with a non-empty 'steps' list")
    call = data.get("call")
    if not isinstance(call, dict) or not REQUIRED_CALL_FIELDS <= set(call) or not set(call) <= CALL_FIELDS:
        raise ScriptError(
            f"{name}: 'call' needs {sorted(REQUIRED_CALL_FIELDS)} and may have {sorted(CALL_FIELDS)}"
        )
    steps = tuple(_step(raw, f"{name} step {index + 1}") for index, raw in enumerate(data["steps"]))
    if steps[-1].kind != "end":
        raise ScriptError(f"{name}: the last step is {{'end': true}}, so every played call ends")
    return Script(name=name, title=str(data.get("title", name)), call=call, steps=steps)


def load(path: Path) -> Script:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ScriptError(f"{path.name}: not valid JSON ({error})") from error
    return parse(path.stem, data)


def available(directory: Path = SCRIPTS_DIR) -> dict[str, Path]:
    """Script names and files, sorted by name."""
    return {path.stem: path for path in sorted(directory.glob("*.json"))}


def resolve(names_or_paths: list[str], directory: Path = SCRIPTS_DIR) -> list[Script]:
    """Scripts by name (from ``directory``) or by path; all of ``directory`` when none are given."""
    known = available(directory)
    if not names_or_paths:
        return [load(path) for path in known.values()]
    scripts = []
    for item in names_or_paths:
        path = known.get(item) or Path(item)
        if not path.is_file():
            raise ScriptError(f"no script {item!r}; known: {', '.join(known) or 'none'}")
        scripts.append(load(path))
    return scripts
