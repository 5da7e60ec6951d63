"""Golden JSON per example profile: produced by the code, reviewed, and pinned.

A change to scoring, rules or examples shows up here as a diff to review. After reviewing,
record the new outputs with `python -m tests.test_golden`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hemscore.__main__ import main

from .conftest import EXAMPLES, ROOT

GOLDEN = Path(__file__).parent / "golden" / "assess"
CASES = sorted(p.stem for p in EXAMPLES.glob("*.toml"))


def render(stem: str, capsys: pytest.CaptureFixture[str] | None = None) -> str:
    """`hemscore assess examples/<stem>.toml --format json`, run from the repository root."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        if capsys is None:
            import contextlib
            import io

            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = main(["assess", f"examples/{stem}.toml", "--format", "json"])
            out = buf.getvalue()
        else:
            code = main(["assess", f"examples/{stem}.toml", "--format", "json"])
            out = capsys.readouterr().out
    finally:
        os.chdir(cwd)
    assert code == 0
    return out


@pytest.mark.parametrize("stem", CASES)
def test_example_matches_golden(stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    golden = GOLDEN / f"{stem}.json"
    assert golden.exists(), f"no golden output for {stem}: run `python -m tests.test_golden`"
    assert render(stem, capsys) == golden.read_text(encoding="utf-8")


def test_every_golden_has_an_example() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == CASES


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for stem in CASES:
        (GOLDEN / f"{stem}.json").write_text(render(stem), encoding="utf-8")
        print(f"recorded {stem}", file=sys.stderr)
