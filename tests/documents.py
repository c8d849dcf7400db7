"""The trusted-documents manifest of the repository's own clients, written by scripts/export-documents."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.node import ROOT, NodeUnavailable, ensure_node


def export_manifest(output: Path) -> Path:
    """Run ``scripts/export-documents`` (node evaluates the monitor page's modules) into ``output``."""
    try:
        ensure_node()
    except NodeUnavailable as error:
        if os.environ.get("CI"):
            raise  # CI runs as root with apt: these tests are never skipped there
        pytest.skip(str(error))
    done = subprocess.run(
        [str(ROOT / "scripts" / "export-documents"), "--output", str(output)],
        env={**os.environ, "VENV": sys.prefix},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return output
