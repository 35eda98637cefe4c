"""`pip install ./sdk/python` needs nothing from an index: the in-tree backend builds the wheel alone."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

SDK = Path(__file__).resolve().parent.parent


def test_pip_builds_the_wheel_without_an_index(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-index", "--no-deps", "-q", "-w", str(tmp_path), str(SDK)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next(tmp_path.glob("entroos-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "entroos/client.py" in names and "entroos/py.typed" in names
    assert any(n.endswith("dist-info/METADATA") for n in names)
