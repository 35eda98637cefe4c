"""The package type-checks under `mypy --strict` (Debian's mypy; configuration in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = Path(__file__).resolve().parent.parent
_CACHE = tempfile.TemporaryDirectory(prefix="entroos-mypy-")
_COMMAND = [sys.executable, "-m", "mypy"] if shutil.which("mypy") is None else ["mypy"]
# Started when pytest collects this file, so the ~20 s check overlaps the tests that wait on the server.
_RUN = subprocess.Popen(
    [*_COMMAND, "--strict", "--cache-dir", _CACHE.name, "entroos"],
    cwd=SDK, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
)


def test_mypy_strict() -> None:
    output, _ = _RUN.communicate(timeout=300)
    _CACHE.cleanup()
    assert _RUN.returncode == 0, output
    assert "Success: no issues found" in output
