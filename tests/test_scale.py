"""docs/scale.md: the Dask recipe, run on a local cluster of two worker processes, writes what
`hemscore assess --format jsonl` writes, byte for byte."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, Run

RECIPE = re.search(
    r"```python\n(.*?)```", (ROOT / "docs" / "scale.md").read_text(encoding="utf-8"), re.DOTALL
)


def test_dask_recipe_matches_the_cli(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    assert RECIPE is not None
    folder = tmp_path / "profiles"
    folder.mkdir()
    for i in range(3):
        for p in sorted(EXAMPLES.glob("*.toml")):
            shutil.copy(p, folder / f"{i}-{p.name}")
    # The recipe as a user saves it: a module the scheduler's workers can import too.
    code = tmp_path / "code"
    code.mkdir()
    (code / "scale_recipe.py").write_text(RECIPE.group(1), encoding="utf-8")
    monkeypatch.syspath_prepend(str(code))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(code), *sys.path]))
    recipe = importlib.import_module("scale_recipe")
    out = tmp_path / "scores.jsonl"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        recipe.score_folder(str(folder), str(out), client)
    sys.modules.pop("scale_recipe", None)
    cli = run_cli("assess", str(folder), "--format", "jsonl")
    assert cli.code == 0
    assert out.read_text(encoding="utf-8") == cli.out
    assert cli.out.count("\n") == 18
