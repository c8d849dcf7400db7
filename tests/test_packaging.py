"""The package builds as `pip install` builds it, without a deprecation warning."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.scaled import store_independent

pytestmark = store_independent

ROOT = Path(__file__).resolve().parents[1]


def test_building_the_package_warns_of_nothing_and_declares_its_license(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: the build writes build/ and *.egg-info next to pyproject.toml
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))

    wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist")]
    built = subprocess.run(
        [*wheel, str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    assert "deprecated" not in output.lower(), output
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        assert "License-Expression: MIT" in archive.read(metadata).decode().splitlines()
