"""Every library the app imports is declared, and pinned to a range holding the installed version."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version

from tests.adapters.versions import PYPROJECT

ROOT = PYPROJECT.parent
SOURCES = [*sorted((ROOT / "app").rglob("*.py")), ROOT / "alembic" / "env.py"]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?>=([0-9][0-9.]*),<([0-9][0-9.]*)$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _dependencies() -> list[str]:
    found: list[str] = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return found


def _imported() -> set[str]:
    names = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"app"}


def test_every_runtime_dependency_has_a_tested_range_the_installed_version_is_in() -> None:
    unpinned, outside = [], []
    for requirement in _dependencies():
        match = PIN.match(requirement.replace(" ", ""))
        if match is None:
            unpinned.append(requirement)
            continue
        name, _, low, high = match.groups()
        installed = version(name)
        if not _numbers(low) <= _numbers(installed) < _numbers(high):
            outside.append(f"{name} {installed} not in >={low},<{high}")

    assert unpinned == [], "pin each as >=installed-and-tested,<next-breaking-release"
    assert outside == [], "run the tests with the new version, then move the range"


def test_every_library_the_app_imports_is_declared() -> None:
    pins = [PIN.match(requirement.replace(" ", "")) for requirement in _dependencies()]
    declared = {_normal(pin[1]) for pin in pins if pin is not None}
    distributions = packages_distributions()

    undeclared = {
        module: distributions.get(module, [module])
        for module in _imported()
        if not any(_normal(name) in declared for name in distributions.get(module, [module]))
    }

    assert undeclared == {}, "imported by app/ but not a runtime dependency in pyproject.toml"
