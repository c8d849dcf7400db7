"""Node.js and pinned npm packages for the tests that need them, installed by the test setup.

Node and npm come from Debian's packages (``apt-get install nodejs npm``, as root, as CI
runs); npm packages are installed once per set of versions into ``.cache/npm/<name>@<version>…``
of the repository (ignored by git) and reused from there.
"""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "npm"


class NodeUnavailable(Exception):
    """Node or npm is missing and cannot be installed here."""


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env)


def ensure_node() -> Path:
    """The ``node`` executable, with npm beside it; installed with apt when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is not None and npm is not None:
        return Path(node)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise NodeUnavailable("node and npm are missing; install them with `apt-get install nodejs npm`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "nodejs", "npm"]):
        done = _run(command, env=env)
        if done.returncode != 0:
            raise NodeUnavailable(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    node = shutil.which("node")
    if node is None:
        raise NodeUnavailable("apt installed nodejs, but node is not on PATH")
    return Path(node)


def ensure_packages(*specs: str) -> Path:
    """The ``node_modules`` directory holding exactly these packages (``name@version`` each)."""
    ensure_node()
    prefix = CACHE / "+".join(specs)
    modules = prefix / "node_modules"
    names = [spec.rsplit("@", 1)[0] for spec in specs]
    if all((modules / name / "package.json").exists() for name in names):
        return modules
    prefix.mkdir(parents=True, exist_ok=True)
    done = _run(["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund", *specs])
    if done.returncode != 0 or not all((modules / name / "package.json").exists() for name in names):
        raise NodeUnavailable(
            f"npm install {' '.join(specs)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return modules
