"""Every tutorial notebook runs headless (nbclient, a real ipykernel) against the server without an error,
shows at least one figure, and is stored without outputs. The three run at once (one kernel each)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Dict, Optional, Tuple

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import env

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
SDK = str(Path(__file__).resolve().parent.parent)
Result = Tuple[Optional[nbformat.NotebookNode], Optional[BaseException]]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Result]:
    os.environ["ENTROOS_URL"] = env("ENTROOS_URL")
    os.environ["ENTROOS_TOKEN"] = env("ENTROOS_TOKEN")
    os.environ["PYTHONPATH"] = SDK + os.pathsep + os.environ.get("PYTHONPATH", "")
    os.environ.pop("MPLBACKEND", None)  # %matplotlib inline in the notebooks

    async def one(path: Path) -> Result:
        nb = nbformat.read(str(path), as_version=4)
        workdir = tmp_path_factory.mktemp(path.stem)
        try:
            await NotebookClient(nb, timeout=180, kernel_name="python3",
                                 resources={"metadata": {"path": str(workdir)}}).async_execute()
        except BaseException as error:  # noqa: BLE001 - reported by the notebook's own test
            return nb, error
        return nb, None

    async def all_of_them() -> Dict[str, Result]:
        results = await asyncio.gather(*(one(p) for p in NOTEBOOKS))
        return {p.name: r for p, r in zip(NOTEBOOKS, results)}

    return asyncio.run(all_of_them())


def test_there_are_three_tutorials_stored_without_outputs() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01-quick-start.ipynb", "02-entropy-laboratory.ipynb", "03-proofs.ipynb"]
    for path in NOTEBOOKS:
        cells = [c for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_draws(path: Path, executed: Dict[str, Result]) -> None:
    nb, error = executed[path.name]
    assert error is None, f"{path.name}: {error}"
    assert nb is not None
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert figures, f"{path.name} drew no figure"
