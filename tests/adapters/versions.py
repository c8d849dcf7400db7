"""The one check every adapter test starts with: the installed library is the one the adapter was written for.

Each test names its library's tested range (``>=written_for,<next``). The check
fails when the installed version is outside it, and when ``pyproject.toml``
declares another range: moving the pin without re-checking the adapter is
exactly the upgrade these tests are here to stop.
"""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*([^;#]*)")


def _parsed(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0])[:3])


def declared_range(distribution: str) -> str:
    """The specifier ``pyproject.toml`` gives ``distribution`` among the runtime dependencies."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    for requirement in dependencies:
        match = _REQUIREMENT.match(requirement)
        assert match is not None, requirement
        if match[1].lower().replace("_", "-") == distribution.lower():
            return match[2].replace(" ", "")
    raise AssertionError(f"{distribution} is not a declared runtime dependency in pyproject.toml")


def assert_tested(distribution: str, tested: str, *, internals: str) -> None:
    """``tested`` is ``>=X.Y.Z,<A.B``: the adapter was written for X.Y.Z, checked up to A.B."""
    low, high = (part.removeprefix(">=").removeprefix("<") for part in tested.split(","))
    installed = version(distribution)
    advice = (
        f"the adapter was written for {distribution} {low}; check {internals} still works and move the range"
    )
    assert _parsed(low) <= _parsed(installed) < _parsed(high), (
        f"{distribution} {installed} is outside the tested range {tested}: {advice}"
    )
    declared = declared_range(distribution)
    assert declared == tested, (
        f"pyproject.toml pins {distribution}{declared}, the adapter's test {tested}: {advice} in both"
    )
