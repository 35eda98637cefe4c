"""A minimal in-tree PEP 517/660 build backend (standard library only).

``pip install ./sdk/python`` builds in an isolated environment; a backend such as setuptools would be
downloaded into it first. This one needs nothing, so installing works where only Debian's packages are
reachable (with the dependencies from python3-httpx, python3-pydantic and python3-yaml).
"""

from __future__ import annotations

import base64
import hashlib
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
NAME = "entroos"
VERSION = "0.1.0"
TAG = "py3-none-any"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"


def _metadata() -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {VERSION}",
        "Summary: EntroOS for Python: typed sync/async client, watches, pandas/matplotlib helpers and Jupyter magics",
        "Requires-Python: >=3.9",
        "Requires-Dist: httpx>=0.23",
        "Requires-Dist: pydantic<2,>=1.10",
        "Requires-Dist: PyYAML>=5",
        "Provides-Extra: data",
        'Requires-Dist: pandas>=1.5; extra == "data"',
        'Requires-Dist: matplotlib>=3.6; extra == "data"',
        "Provides-Extra: jupyter",
        'Requires-Dist: ipython>=8; extra == "jupyter"',
        "Description-Content-Type: text/markdown",
        "",
    ]
    readme = ROOT / "README.md"
    return "\n".join(lines) + (readme.read_text() if readme.exists() else "")


def _wheel_file() -> str:
    return f"Wheel-Version: 1.0\nGenerator: entroos_build\nRoot-Is-Purelib: true\nTag: {TAG}\n"


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(directory: str, files: Dict[str, bytes]) -> str:
    files = {**files, f"{DIST_INFO}/METADATA": _metadata().encode(), f"{DIST_INFO}/WHEEL": _wheel_file().encode()}
    record = [_record_line(p, d) for p, d in files.items()] + [f"{DIST_INFO}/RECORD,,"]
    files[f"{DIST_INFO}/RECORD"] = ("\n".join(record) + "\n").encode()
    name = f"{NAME}-{VERSION}-{TAG}.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return name


def _package_files() -> Dict[str, bytes]:
    out: Dict[str, bytes] = {}
    for path in sorted((ROOT / NAME).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".typed"):
            out[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    return out


def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:  # type: ignore[type-arg]
    return []


get_requires_for_build_editable = get_requires_for_build_wheel
get_requires_for_build_sdist = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Optional[dict] = None) -> str:  # type: ignore[type-arg]
    target = Path(metadata_directory) / DIST_INFO
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_text(_metadata())
    (target / "WHEEL").write_text(_wheel_file())
    return DIST_INFO


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:  # type: ignore[type-arg]
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:  # type: ignore[type-arg]
    return _write_wheel(wheel_directory, {f"_{NAME}_editable.pth": (str(ROOT) + "\n").encode()})


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:  # type: ignore[type-arg]
    base = f"{NAME}-{VERSION}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as sdist:
        for rel in ["pyproject.toml", "README.md", "_build/entroos_build.py", *_package_files()]:
            if (ROOT / rel).exists():
                sdist.add(ROOT / rel, arcname=f"{base}/{rel}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        import io

        sdist.addfile(info, io.BytesIO(data))
    return name
